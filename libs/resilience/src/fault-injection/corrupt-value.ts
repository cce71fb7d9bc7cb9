/**
 * Mangles a response the way a broken proxy or a torn connection would, so consumers can prove
 * their response validation rejects it: a string or Buffer is cut at a random point and garbage
 * is appended (a Buffer also gets one byte flipped); an object or array becomes its JSON text,
 * corrupted the same way — no longer valid JSON and no longer the expected type; a number
 * becomes NaN, a boolean its opposite; null/undefined stay as they are.
 */
export function corruptValue(value: unknown, random: () => number): unknown {
  if (typeof value === 'string') {
    return `${value.slice(0, Math.floor(random() * value.length))}\uFFFD`;
  }
  if (Buffer.isBuffer(value)) {
    const cut = Buffer.from(value.subarray(0, Math.floor(random() * value.length)));
    if (cut.length > 0) {
      const at = Math.floor(random() * cut.length);
      cut[at] = (cut[at] ?? 0) ^ 0xff;
    }
    return Buffer.concat([cut, Buffer.from([0xff, 0xfe])]);
  }
  if (typeof value === 'number') return Number.NaN;
  if (typeof value === 'boolean') return !value;
  if (value !== null && typeof value === 'object') {
    return corruptValue(JSON.stringify(value) ?? '', random);
  }
  return value;
}
