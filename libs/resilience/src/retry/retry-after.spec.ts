import { parseRetryAfter } from './retry-after';

const now = Date.parse('2026-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  it('when given delta-seconds, then it returns milliseconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('when given an HTTP-date, then it returns the time until it, or 0 when past', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });

  it('when the value is absent or garbage, then it returns undefined', () => {
    for (const value of [undefined, null, '', '-1', '1.5', 'soon', '12abc', 'Mon, 99 Foo 2026']) {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    }
  });
});
