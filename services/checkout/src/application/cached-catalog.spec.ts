import { FakeClock } from '@rc/resilience';
import { FakeCatalog } from '../../test/support/fake-dependencies';
import { CachedCatalog } from './cached-catalog';

class CountingCatalog extends FakeCatalog {
  calls: string[] = [];
  override async priceOf(sku: string) {
    this.calls.push(sku);
    return super.priceOf(sku);
  }
}

function cached(ttlMs = 5_000, maxEntries = 100) {
  const source = new CountingCatalog().add('MUG', 1_200).add('TEA', 450);
  const clock = new FakeClock();
  const lookups: string[] = [];
  const catalog = new CachedCatalog(source, {
    ttlMs,
    maxEntries,
    clock,
    onLookup: (r) => lookups.push(r),
  });
  return { source, clock, catalog, lookups };
}

describe('CachedCatalog', () => {
  it('when a SKU is priced twice within the TTL, then the catalogue is asked once', async () => {
    const f = cached();

    const first = await f.catalog.priceOf('MUG');
    await f.clock.advance(4_999);
    const second = await f.catalog.priceOf('MUG');

    expect(second).toEqual(first);
    expect(f.source.calls).toEqual(['MUG']);
    expect(f.lookups).toEqual(['miss', 'hit']);
  });

  it('when the TTL has passed, then the next lookup reads the changed price', async () => {
    const f = cached();
    await f.catalog.priceOf('MUG');
    f.source.add('MUG', 1_500);

    await f.clock.advance(5_000);
    const later = await f.catalog.priceOf('MUG');

    expect(later?.unitPrice).toBe(1_500);
    expect(f.source.calls).toEqual(['MUG', 'MUG']);
  });

  it('when the catalogue does not know a SKU, then that answer is not kept', async () => {
    const f = cached();

    expect(await f.catalog.priceOf('NOPE')).toBeUndefined();
    f.source.add('NOPE', 99);
    expect((await f.catalog.priceOf('NOPE'))?.unitPrice).toBe(99);
    expect(f.source.calls).toEqual(['NOPE', 'NOPE']);
  });

  it('when the catalogue fails, then the failure propagates and the expired price is dropped', async () => {
    const f = cached();
    await f.catalog.priceOf('MUG');
    await f.clock.advance(6_000);
    f.source.failure = new Error('inventory down');

    await expect(f.catalog.priceOf('MUG')).rejects.toThrow('inventory down');
    f.source.failure = undefined;
    expect(f.catalog.size).toBe(0);
  });

  it('when more SKUs are priced than it may keep, then the least recently used goes first', async () => {
    const f = cached(5_000, 2);
    f.source.add('CUP', 300);
    await f.catalog.priceOf('MUG');
    await f.catalog.priceOf('TEA');
    await f.catalog.priceOf('MUG'); // MUG is now the most recently used

    await f.catalog.priceOf('CUP');

    expect(f.catalog.size).toBe(2);
    await f.catalog.priceOf('MUG');
    await f.catalog.priceOf('TEA');
    expect(f.source.calls).toEqual(['MUG', 'TEA', 'CUP', 'TEA']);
  });

  it('when the TTL is 0, then every lookup asks the catalogue and nothing is kept', async () => {
    const f = cached(0);

    await f.catalog.priceOf('MUG');
    await f.catalog.priceOf('MUG');

    expect(f.source.calls).toEqual(['MUG', 'MUG']);
    expect(f.catalog.size).toBe(0);
    expect(f.lookups).toEqual([]);
  });

  it('when its options are out of range, then it refuses to be built', () => {
    const source = new FakeCatalog();
    expect(() => new CachedCatalog(source, { ttlMs: -1, maxEntries: 1 })).toThrow(RangeError);
    expect(() => new CachedCatalog(source, { ttlMs: 1, maxEntries: 0 })).toThrow(RangeError);
  });
});
