import { corruptValue } from './corrupt-value';
import { seededRandom } from './seeded-random';

describe('corruptValue', () => {
  const random = seededRandom(1);

  it('when given a JSON object, then its text is cut short so it no longer parses', () => {
    for (let i = 0; i < 50; i++) {
      const out = corruptValue({ a: 1, b: [1, 2, 3], c: 'x' }, random) as string;
      expect(() => JSON.parse(out) as unknown).toThrow();
    }
  });

  it('when given bytes, then a different, shorter-or-garbage-tailed buffer comes back', () => {
    // Arrange
    const input = Buffer.from('{"ok":true}');

    // Act
    const out = corruptValue(input, random) as Buffer;

    // Assert
    expect(Buffer.isBuffer(out)).toBe(true);
    expect(out.equals(input)).toBe(false);
    expect(input.toString()).toBe('{"ok":true}');
  });

  it('when given primitives, then numbers become NaN, booleans flip and null stays', () => {
    expect(corruptValue(42, random)).toBeNaN();
    expect(corruptValue(true, random)).toBe(false);
    expect(corruptValue(null, random)).toBeNull();
  });
});
