import { rateLimitHeaders } from './rate-limit-headers';
import type { RateLimitDecision } from './rate-limit.policy';

const base: RateLimitDecision = {
  route: 'checkout',
  allowed: true,
  limit: 100,
  windowMs: 60_000,
  remaining: 42,
  resetMs: 34_500,
  retryAfterMs: 0,
  source: 'redis',
};

describe('rateLimitHeaders', () => {
  it('when a request is allowed, then the IETF policy and state are set and Retry-After is not', () => {
    // Act
    const headers = rateLimitHeaders(base);

    // Assert
    expect(headers).toEqual({
      'ratelimit-policy': '"checkout";q=100;w=60',
      ratelimit: '"checkout";r=42;t=35',
    });
  });

  it('when a request is refused, then Retry-After is whole seconds rounded up', () => {
    // Act
    const headers = rateLimitHeaders({ ...base, allowed: false, remaining: 0, retryAfterMs: 1200 });

    // Assert
    expect(headers['retry-after']).toBe('2');
  });

  it('when the limiter failed open or closed, then no RateLimit state is claimed', () => {
    // Act
    const open = rateLimitHeaders({ ...base, source: 'fail-open' });
    const closed = rateLimitHeaders({
      ...base,
      allowed: false,
      source: 'fail-closed',
      retryAfterMs: 10,
    });

    // Assert
    expect(open).toEqual({ 'ratelimit-policy': '"checkout";q=100;w=60' });
    expect(closed).toEqual({ 'ratelimit-policy': '"checkout";q=100;w=60', 'retry-after': '1' });
  });

  it('when a route name holds quotes, then they are escaped as a structured-field string', () => {
    // Act
    const headers = rateLimitHeaders({ ...base, route: 'a"b\\c' });

    // Assert
    expect(headers['ratelimit-policy']).toBe('"a\\"b\\\\c";q=100;w=60');
  });
});
