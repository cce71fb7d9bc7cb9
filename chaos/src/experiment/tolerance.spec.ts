import { judge } from './tolerance';

describe('tolerance (Chaos Toolkit semantics)', () => {
  it.each<[string, Parameters<typeof judge>[0], unknown, boolean]>([
    ['an equal scalar', 0, 0, true],
    ['a different scalar', 0, 2, false],
    ['a boolean', true, true, true],
    ['an HTTP answer by its status', 200, { status: 200, body: {} }, true],
    ['an HTTP answer with another status', 200, { status: 503 }, false],
    ['a member of a list', [200, 201], { status: 201 }, true],
    ['a non-member of a list', [200, 201], 503, false],
    ['a number inside a range', { type: 'range', range: [0, 1.3] }, 1.3, true],
    ['a number above a range', { type: 'range', range: [0, 1.3] }, 1.31, false],
    ['NaN against a range', { type: 'range', range: [0, 1] }, Number.NaN, false],
    ['a missing value against a range', { type: 'range', range: [0, 1] }, undefined, false],
    [
      'a range on a target',
      { type: 'range', range: [1, 1], target: 'body.count' },
      { body: { count: 1 } },
      true,
    ],
    ['a matching regex', { type: 'regex', pattern: '^CONF' }, 'CONFIRMED', true],
    ['a regex that does not match', { type: 'regex', pattern: '^CONF' }, 'FAILED', false],
  ])('when the value is %s, then the verdict is right', (_, tolerance, value, ok) => {
    expect(judge(tolerance, value).ok).toBe(ok);
  });

  it('when judged, then the expectation reads as text for the report', () => {
    expect(judge({ type: 'range', range: [0, 5] }, 9).expected).toBe('in [0, 5]');
  });
});
