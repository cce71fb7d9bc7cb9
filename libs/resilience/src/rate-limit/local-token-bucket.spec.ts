import { FakeClock } from '../clock';
import { LocalTokenBucket } from './local-token-bucket';

describe('LocalTokenBucket', () => {
  it('when a fresh client bursts, then exactly `limit` requests pass and the next one is told when to retry', () => {
    // Arrange: 10 tokens per 10 s -> one token per second
    const bucket = new LocalTokenBucket(10, 10_000, new FakeClock());

    // Act
    const results = Array.from({ length: 11 }, () => bucket.take('client-a'));

    // Assert
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    const refused = results[10]!;
    expect(refused).toEqual({ allowed: false, remaining: 0, resetMs: 10_000, retryAfterMs: 1000 });
  });

  it('when time passes, then tokens refill at limit/window and never above the limit', async () => {
    // Arrange
    const clock = new FakeClock();
    const bucket = new LocalTokenBucket(10, 10_000, clock);
    for (let i = 0; i < 10; i++) bucket.take('client-a');

    // Act + Assert: 2.5 s later two whole tokens are back
    await clock.advance(2500);
    expect(bucket.take('client-a')).toMatchObject({ allowed: true, remaining: 1 });
    expect(bucket.take('client-a')).toMatchObject({ allowed: true, remaining: 0 });
    expect(bucket.take('client-a')).toMatchObject({ allowed: false, retryAfterMs: 500 });

    // a long idle period refills to the cap only
    await clock.advance(60 * 60_000);
    expect(bucket.take('client-a')).toMatchObject({ allowed: true, remaining: 9, resetMs: 1000 });
  });

  it('when two clients share one bucket object, then each has its own tokens', () => {
    // Arrange
    const bucket = new LocalTokenBucket(1, 1000, new FakeClock());

    // Act
    const a = bucket.take('client-a');
    const b = bucket.take('client-b');
    const a2 = bucket.take('client-a');

    // Assert
    expect([a.allowed, b.allowed, a2.allowed]).toEqual([true, true, false]);
  });

  it('when a request costs more than one token, then it needs that many', () => {
    // Arrange
    const bucket = new LocalTokenBucket(5, 5000, new FakeClock());

    // Act
    const first = bucket.take('client-a', 4);
    const second = bucket.take('client-a', 4);

    // Assert
    expect(first).toMatchObject({ allowed: true, remaining: 1 });
    expect(second).toMatchObject({ allowed: false, remaining: 1, retryAfterMs: 3000 });
  });

  it('when more distinct clients arrive than maxKeys, then the least recently used bucket is dropped', () => {
    // Arrange
    const bucket = new LocalTokenBucket(1, 1000, new FakeClock(), 2);
    bucket.take('a');
    bucket.take('b');
    bucket.take('a'); // a is now the most recently used

    // Act
    bucket.take('c');

    // Assert: b was evicted, so it starts full again
    expect(bucket.size).toBe(2);
    expect(bucket.take('b').allowed).toBe(true);
    expect(bucket.take('c').allowed).toBe(false);
  });
});
