import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-body-parser';

const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

describe('nestsDeeperThan', () => {
  it('when objects and arrays nest exactly to the limit, then the body is accepted; one more level is refused', () => {
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan(`${'['.repeat(20_000)}${']'.repeat(20_000)}`, MAX_JSON_DEPTH)).toBe(
      true,
    );
  });

  it('when brackets appear inside strings (escaped quotes included), then they do not count', () => {
    const text = JSON.stringify({ note: '[[[[{{{{ "quoted [[[" \\ ]]]', items: [[1], [2]] });

    expect(nestsDeeperThan(text, 3)).toBe(false);
    expect(nestsDeeperThan(text, 2)).toBe(true);
  });

  it('when siblings follow each other, then depth is the deepest branch, not their sum', () => {
    const wide = JSON.stringify({ a: [[1]], b: [[2]], c: [[3]] });

    expect(nestsDeeperThan(wide, 3)).toBe(false);
  });
});
