import { FakeClock } from '@rc/resilience';
import type { RecommendationPort, Recommendations } from '../domain/ports/recommendation.port';
import { CachedRecommendations } from './cached-recommendations';

/** The service stand-in: a fixed answer (or the fallback), and the SKU lists it was asked for. */
class CountingRecommendations implements RecommendationPort {
  answer: Recommendations = { skus: ['REC-1', 'REC-2'], degraded: false };
  calls: string[][] = [];
  async recommend(skus: readonly string[]): Promise<Recommendations> {
    this.calls.push([...skus]);
    return this.answer;
  }
}

function cached(ttlMs = 5_000, maxEntries = 100) {
  const source = new CountingRecommendations();
  const clock = new FakeClock();
  const lookups: string[] = [];
  const recommendations = new CachedRecommendations(source, {
    ttlMs,
    maxEntries,
    clock,
    onLookup: (r) => lookups.push(r),
  });
  return { source, clock, recommendations, lookups };
}

describe('CachedRecommendations', () => {
  it('when orders of the same SKUs follow within the TTL, then the service is asked once, whatever their order', async () => {
    const f = cached();

    const first = await f.recommendations.recommend(['TENT', 'MUG']);
    await f.clock.advance(4_999);
    const second = await f.recommendations.recommend(['MUG', 'TENT', 'MUG']);

    expect(second).toEqual(first);
    expect(f.source.calls).toEqual([['TENT', 'MUG']]);
    expect(f.lookups).toEqual(['miss', 'hit']);
  });

  it('when the TTL has passed, then the next order gets what the service says now', async () => {
    const f = cached();
    await f.recommendations.recommend(['MUG']);
    f.source.answer = { skus: ['TEA'], degraded: false };

    await f.clock.advance(5_000);

    expect(await f.recommendations.recommend(['MUG'])).toEqual({ skus: ['TEA'], degraded: false });
    expect(f.source.calls).toHaveLength(2);
  });

  it('when the answer is the fallback, then it is not kept and the next order asks the service again', async () => {
    const f = cached();
    f.source.answer = { skus: ['FUEL-CAN-230'], degraded: true };

    expect((await f.recommendations.recommend(['MUG'])).degraded).toBe(true);
    f.source.answer = { skus: ['TEA'], degraded: false };

    expect(await f.recommendations.recommend(['MUG'])).toEqual({ skus: ['TEA'], degraded: false });
    expect(f.source.calls).toHaveLength(2);
    expect(f.recommendations.size).toBe(1);
  });

  it('when more SKU sets are asked for than it may keep, then the least recently used goes first', async () => {
    const f = cached(5_000, 2);
    await f.recommendations.recommend(['A']);
    await f.recommendations.recommend(['B']);
    await f.recommendations.recommend(['A']);

    await f.recommendations.recommend(['C']);
    await f.recommendations.recommend(['A']);
    await f.recommendations.recommend(['B']);

    expect(f.recommendations.size).toBe(2);
    expect(f.source.calls).toEqual([['A'], ['B'], ['C'], ['B']]);
  });

  it('when the TTL is 0, then every order asks the service and nothing is kept', async () => {
    const f = cached(0);

    await f.recommendations.recommend(['MUG']);
    await f.recommendations.recommend(['MUG']);

    expect(f.source.calls).toHaveLength(2);
    expect(f.recommendations.size).toBe(0);
    expect(f.lookups).toEqual([]);
  });

  it('when its options are out of range, then it refuses to be built', () => {
    const source = new CountingRecommendations();
    expect(() => new CachedRecommendations(source, { ttlMs: -1, maxEntries: 1 })).toThrow(
      /recommendations cache ttlMs/,
    );
    expect(() => new CachedRecommendations(source, { ttlMs: 1, maxEntries: 0 })).toThrow(
      /recommendations cache maxEntries/,
    );
  });
});
