import { FakeClock } from '@rc/resilience';
import { LocalStaleCache } from './local-stale-cache';

describe('LocalStaleCache', () => {
  it('when an entry is older than the stale window, then it is not served', async () => {
    // Arrange
    const clock = new FakeClock();
    const cache = new LocalStaleCache(10, 1_000, clock);
    cache.set('k', { skus: ['a'], computedAt: clock.now() });

    // Act
    await clock.advance(1_001);

    // Assert
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('when full, then the least recently used entry is evicted', () => {
    // Arrange
    const clock = new FakeClock();
    const cache = new LocalStaleCache(2, 60_000, clock);
    cache.set('a', { skus: ['1'], computedAt: clock.now() });
    cache.set('b', { skus: ['2'], computedAt: clock.now() });
    cache.get('a');

    // Act
    cache.set('c', { skus: ['3'], computedAt: clock.now() });

    // Assert
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.skus).toEqual(['1']);
    expect(cache.get('c')?.skus).toEqual(['3']);
  });
});
