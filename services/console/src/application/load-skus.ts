import { jsonOf, type Upstream } from '../domain/upstream.port';

/**
 * Which SKUs a load run orders: the configured ones, or else the three with the most units
 * available right now (there is no restocking API, so a run should not empty a scarce item
 * after a few seconds). When inventory does not answer, the run orders the fallback SKUs and
 * checkout shows what happens then.
 */
export class LoadSkus {
  constructor(
    private readonly upstream: Upstream,
    private readonly inventoryUrl: string,
    private readonly configured: readonly string[],
    private readonly fallback: readonly string[],
    private readonly timeoutMs: number,
  ) {}

  /** The SKUs for the next run. */
  async pick(): Promise<readonly string[]> {
    if (this.configured.length > 0) return this.configured;
    try {
      const res = await this.upstream.call('inventory', `${this.inventoryUrl}/v1/products`, {
        timeoutMs: this.timeoutMs,
      });
      const items = (jsonOf(res) as { items?: { sku: string; available: number }[] } | undefined)
        ?.items;
      if (res.status !== 200 || !items?.length) return this.fallback;
      return [...items]
        .sort((a, b) => b.available - a.available)
        .slice(0, 3)
        .map((p) => p.sku);
    } catch {
      return this.fallback;
    }
  }
}
