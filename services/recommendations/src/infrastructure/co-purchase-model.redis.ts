import { createHash } from 'node:crypto';
import { evalScript } from '@rc/resilience';
import type { Redis } from 'ioredis';
import type {
  CoPurchaseModel,
  ModelSuggestions,
  PlacedOrder,
  PurchasedLine,
} from '../domain/co-purchase-model.port';
import { pickExcluding } from '../domain/recommendation';

/** Options of {@link RedisCoPurchaseModel}. */
export interface RedisCoPurchaseModelOptions {
  /** Key prefix (`reco:` → `reco:co:{sku}`, `reco:best`, `reco:seen:{eventId}`). */
  keyPrefix: string;
  /** How long an applied event id is remembered, in seconds (longer than topic retention). */
  dedupTtlSeconds: number;
  /** Best partners read per requested SKU (bounds the work of one request). */
  candidatesPerSku: number;
}

// Learns one order atomically and at most once. KEYS: [seen, best, co:sku1 … co:skuN];
// ARGV: [dedupTtlSeconds, sku1 … skuN, qty1 … qtyN]. The dedup key (SET NX EX) and every
// increment happen in one atomic step: a MULTI would apply the increments even when the SET NX
// found a duplicate (a transaction cannot branch on a reply), so the script is the MULTI that
// can. Every key is passed in KEYS, which keeps it valid on Redis Cluster with hash tags.
const RECORD_ORDER_LUA = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
local n = #KEYS - 2
for i = 1, n do
  local sku = ARGV[1 + i]
  redis.call('ZINCRBY', KEYS[2], ARGV[1 + n + i], sku)
  for j = 1, n do
    if i ~= j then redis.call('ZINCRBY', KEYS[2 + i], 1, ARGV[1 + j]) end
  end
end
return 1
`;

/** The script and its SHA-1: EVALSHA sends the hash, not the script, on every event. */
const RECORD_ORDER_SCRIPT = {
  lua: RECORD_ORDER_LUA,
  sha: createHash('sha1').update(RECORD_ORDER_LUA).digest('hex'),
};

/**
 * The co-purchase model in Redis sorted sets: `reco:co:{sku}` scores every SKU by the number of
 * orders that contained both; `reco:best` scores SKUs by units sold. Recommending reads the top
 * `candidatesPerSku` partners of each requested SKU in one pipeline and adds their scores, so a
 * request costs O(skus × candidates), whatever the catalogue size.
 */
export class RedisCoPurchaseModel implements CoPurchaseModel {
  constructor(
    private readonly redis: Redis,
    private readonly options: RedisCoPurchaseModelOptions,
  ) {}

  async recommend(skus: readonly string[], limit: number): Promise<ModelSuggestions> {
    const pipeline = this.redis.pipeline();
    for (const sku of skus) {
      pipeline.zrevrange(this.coKey(sku), 0, this.options.candidatesPerSku - 1, 'WITHSCORES');
    }
    pipeline.zrevrange(this.bestKey(), 0, limit + skus.length - 1);
    // Which requested SKUs were ever sold: every SKU of a placed order is in `best`, even one
    // ordered alone (which makes no co-purchase pair). Same round trip as the reads above.
    if (skus.length > 0) pipeline.zmscore(this.bestKey(), ...skus);
    const replies = (await pipeline.exec()) ?? [];
    const failed = replies.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
    const scores = new Map<string, number>();
    for (const [, reply] of replies.slice(0, skus.length)) {
      const flat = reply as string[];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const sku = flat[i]!;
        scores.set(sku, (scores.get(sku) ?? 0) + Number(flat[i + 1]));
      }
    }
    const ranked = [...scores.entries()]
      .sort(([a, sa], [b, sb]) => sb - sa || (a < b ? -1 : a > b ? 1 : 0))
      .map(([sku]) => sku);
    const best = (replies[skus.length]?.[1] ?? []) as string[];
    const sold = (replies[skus.length + 1]?.[1] ?? []) as (string | null)[];
    return {
      skus: pickExcluding([...ranked, ...best], skus, limit),
      unknownSkus: skus.filter((_, i) => sold[i] === null || sold[i] === undefined),
    };
  }

  async recordOrder(
    eventId: string,
    lines: readonly PurchasedLine[],
  ): Promise<'applied' | 'duplicate'> {
    const applied = await evalScript(
      this.redis,
      RECORD_ORDER_SCRIPT,
      ...this.scriptArgs(eventId, lines),
    );
    return applied === 1 ? 'applied' : 'duplicate';
  }

  /**
   * Every order's script in one pipeline: one round trip for the batch. A script the server does
   * not hold yet (first use, restart, `SCRIPT FLUSH`) is answered NOSCRIPT without running, so
   * those orders go again through {@link evalScript}, which sends the script itself.
   */
  async recordOrders(
    orders: readonly PlacedOrder[],
  ): Promise<ReadonlyArray<'applied' | 'duplicate'>> {
    if (orders.length === 0) return [];
    const argsOf = orders.map((order) => this.scriptArgs(order.eventId, order.lines));
    const pipeline = this.redis.pipeline();
    for (const args of argsOf) pipeline.evalsha(RECORD_ORDER_SCRIPT.sha, ...args);
    const replies = (await pipeline.exec()) ?? [];
    const outcomes: ('applied' | 'duplicate')[] = [];
    for (const [i, args] of argsOf.entries()) {
      const [error, reply] = replies[i] ?? [new Error('no reply from the pipeline'), undefined];
      let applied = reply;
      if (error) {
        if (!error.message.startsWith('NOSCRIPT')) throw error;
        applied = await evalScript(this.redis, RECORD_ORDER_SCRIPT, ...args);
      }
      outcomes.push(applied === 1 ? 'applied' : 'duplicate');
    }
    return outcomes;
  }

  /** `numKeys` and the keys and arguments of {@link RECORD_ORDER_LUA} for one order. */
  private scriptArgs(eventId: string, lines: readonly PurchasedLine[]): [number, ...string[]] {
    // One entry per SKU: an order listing a SKU twice still makes one pair per partner.
    const units = new Map<string, number>();
    for (const { sku, quantity } of lines) units.set(sku, (units.get(sku) ?? 0) + quantity);
    const skus = [...units.keys()];
    return [
      2 + skus.length,
      this.seenKey(eventId),
      this.bestKey(),
      ...skus.map((sku) => this.coKey(sku)),
      String(this.options.dedupTtlSeconds),
      ...skus,
      ...skus.map((sku) => String(units.get(sku))),
    ];
  }

  private coKey(sku: string): string {
    return `${this.options.keyPrefix}co:${sku}`;
  }

  private bestKey(): string {
    return `${this.options.keyPrefix}best`;
  }

  private seenKey(eventId: string): string {
    return `${this.options.keyPrefix}seen:${eventId}`;
  }
}
