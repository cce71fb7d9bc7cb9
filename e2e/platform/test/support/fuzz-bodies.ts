import fc from 'fast-check';
import { oddString } from './fuzz-inputs';

/**
 * Raw request bodies that an endpoint must reject: each one is wrong by construction (a field of
 * the wrong type, a missing key, a duplicated key whose last copy is wrong, nesting or size past
 * the limits, bytes that are not JSON), so any 2xx on them — or any row written — is a finding.
 * `template` is a valid body of the endpoint; single-fault variants of it get past the parser
 * and reach validation, where fully random values would stop at the first check.
 */

type Json = fc.JsonValue;
type Path = (string | number)[];

/** The body limit every service runs with (BODY_LIMIT_BYTES default, 64 KiB). */
const BODY_LIMIT = 64 * 1024;

/** Every path into `value` (objects and arrays included), root excluded. */
function pathsOf(value: Json, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, Json][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : (Object.entries(value) as [string, Json][]);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
}

function get(value: Json, path: Path): Json {
  return path.reduce<Json>((v, k) => (v as Record<string | number, Json>)[k]!, value);
}

/** A deep copy of `value` with the value at `path` replaced (or removed when `next` is undefined). */
function setAt(value: Json, path: Path, next: Json | undefined): Json {
  const copy = structuredClone(value);
  const parent = get(copy, path.slice(0, -1)) as Record<string | number, Json>;
  const key = path[path.length - 1]!;
  if (next !== undefined) parent[key] = next;
  else if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete parent[key];
  return copy;
}

/** A value no field of `was`'s kind accepts (every string field here needs 1+ plain characters). */
function wrongFor(was: Json): fc.Arbitrary<Json | undefined> {
  const notA = (kind: string) =>
    fc.jsonValue().filter((v) => typeof v !== kind && !(kind === 'object' && v === null));
  if (typeof was === 'string')
    return fc.oneof(notA('string'), fc.constant(''), fc.constant(undefined));
  if (typeof was === 'number')
    return fc.oneof(notA('number'), fc.constantFrom(0, -1, 0.5, -1e21), fc.constant(undefined));
  if (Array.isArray(was))
    return fc.oneof(notA('object'), fc.constant<Json>([]), fc.constant(undefined));
  return fc.oneof(notA('object'), fc.constant({}), fc.constant(undefined));
}

/** Numerals JSON.stringify never writes: out of range, negative zero, or not JSON at all. */
const RAW_NUMERALS = [
  '1e309',
  '-0',
  '0.5',
  '-1',
  '1e-400',
  '01',
  '.5',
  'NaN',
  'Infinity',
  '0x10',
  '1_000',
];

const utf8 = (text: string) => Buffer.from(text, 'utf8');

/** Bodies for an endpoint whose valid body is `template`. */
export function badBodies(template: Json, strict: boolean): fc.Arbitrary<Buffer> {
  const paths = pathsOf(template);
  const text = JSON.stringify(template);
  const stringPaths = paths.filter((p) => typeof get(template, p) === 'string');
  const numberPaths = paths.filter((p) => typeof get(template, p) === 'number');
  const topKeys =
    template && typeof template === 'object' && !Array.isArray(template)
      ? Object.keys(template)
      : [];

  const oneWrongField = fc
    .constantFrom(...paths)
    .chain((p) =>
      wrongFor(get(template, p)).map((v) => utf8(JSON.stringify(setAt(template, p, v)))),
    );
  const randomJson = fc
    .anything({ maxDepth: 4, withNullPrototype: true, withObjectString: true })
    .map((v) => utf8(JSON.stringify(v) ?? ''))
    .filter((b) => b.toString() !== text);
  const duplicatedKey = fc
    // the last copy wins in every mainstream parser, so the wrong value goes last
    .tuple(
      fc.constantFrom(...topKeys),
      fc.constantFrom<Json>(null, true, false, [], {}, -1, 0.5, ''),
    )
    .map(([k, v]) => utf8(`${text.slice(0, -1)},${JSON.stringify(k)}:${JSON.stringify(v)}}`));
  const prototypeKey = fc
    .constantFrom('"__proto__":{"isAdmin":true}', '"constructor":{"prototype":{"isAdmin":true}}')
    .map((extra) => utf8(`{${extra},${text.slice(1)}`));
  const deep = fc
    .tuple(fc.integer({ min: 50, max: 10_000 }), fc.constantFrom('[', '{"a":'), fc.boolean())
    .map(([n, open, inField]) => {
      const close = open === '[' ? ']' : '}';
      const nest = `${open.repeat(n)}1${close.repeat(n)}`;
      return utf8(inField && topKeys[0] ? `{${JSON.stringify(topKeys[0])}:${nest}}` : nest);
    });
  const huge = fc
    .integer({ min: BODY_LIMIT - 64, max: BODY_LIMIT + 4_096 })
    .map((n) =>
      utf8(
        stringPaths[0]
          ? JSON.stringify(setAt(template, stringPaths[0], 'x'.repeat(n)))
          : `"${'x'.repeat(n)}"`,
      ),
    );
  const extraKey = fc
    .tuple(fc.constantFrom('isAdmin', 'status', 'id', ''), fc.jsonValue({ maxDepth: 1 }))
    .map(([k, v]) => utf8(`${text.slice(0, -1)},${JSON.stringify(k)}:${JSON.stringify(v)}}`));
  const manyKeys = fc
    .integer({ min: 100, max: 3_000 })
    .map((n) => utf8(`{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')}}`));
  const unicodeField = fc.constantFrom(...(stringPaths.length ? stringPaths : [[]])).chain((p) =>
    fc.oneof(
      // escaped lone surrogates and other unicode, in an otherwise valid body (strings are
      // replaced only where an odd string must be rejected: ids, skus, codes)
      oddString
        .filter((s) => s !== '' && !/^[A-Za-z0-9._:@-]{1,64}$/.test(s))
        .map((s) =>
          p.length && !/token/.test(String(p[p.length - 1]))
            ? utf8(JSON.stringify(setAt(template, p, s)))
            : utf8(JSON.stringify(s)),
        ),
      // the same surrogate as raw bytes (invalid UTF-8), a stray 0xFF, a byte-order mark
      fc.constantFrom(
        Buffer.concat([utf8('{"a":"'), Buffer.from([0xed, 0xa0, 0x80]), utf8('"}')]),
        Buffer.concat([utf8(text.slice(0, 2)), Buffer.from([0xff]), utf8(text.slice(2))]),
        Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8('{"a":1}')]),
      ),
    ),
  );
  const rawNumber = fc
    .tuple(
      fc.constantFrom(...(numberPaths.length ? numberPaths : [[]])),
      fc.constantFrom(...RAW_NUMERALS),
    )
    .map(([p, n]) =>
      utf8(p.length ? JSON.stringify(setAt(template, p, '@@N@@')).replace('"@@N@@"', n) : n),
    );
  const notJson = fc.oneof(
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
    fc.integer({ min: 0, max: text.length - 1 }).map((n) => utf8(text.slice(0, n))),
    fc.constantFrom(
      utf8('sku=a&quantity=1'),
      utf8('null'),
      utf8('[]'),
      utf8('""'),
      utf8('{}'),
      utf8(' '),
      utf8('\n'),
    ),
  );

  return fc.oneof(
    { weight: 4, arbitrary: oneWrongField },
    { weight: 2, arbitrary: randomJson },
    { weight: 1, arbitrary: duplicatedKey },
    { weight: 1, arbitrary: prototypeKey },
    { weight: 1, arbitrary: deep },
    { weight: 1, arbitrary: huge },
    { weight: 1, arbitrary: manyKeys },
    ...(strict ? [{ weight: 1, arbitrary: extraKey }] : []),
    { weight: 2, arbitrary: unicodeField },
    { weight: 1, arbitrary: rawNumber },
    { weight: 2, arbitrary: notJson },
  );
}
