import type { Redis } from 'ioredis';
import { type Cart, cartFromLines } from '../domain/cart';
import { CartStoreUnavailableError, CartTooManyLinesError } from '../domain/cart.errors';
import type { CartRef, CartRepository, CartWriteResult } from '../domain/cart.repository';

/** Options of {@link RedisCartRepository}. */
export interface RedisCartRepositoryOptions {
  /** Key prefix of carts (`cart:` → `cart:{owner}:{cartId}`). */
  keyPrefix: string;
  /** Idle lifetime of a cart: every write pushes its expiry this far out. */
  ttlMs: number;
  /** Most distinct SKUs one cart may hold. */
  maxLines: number;
}

// Sets one line and returns the line's previous quantity and the whole cart, atomically: the
// "previous quantity" is what makes the emitted event a correct difference, and the HLEN check
// must see the same state as the HSET (a MULTI cannot branch on it).
const SET_ITEM_LUA = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if not old and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return {'full'} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {old or '0', redis.call('HGETALL', KEYS[1])}
`;

/**
 * Carts as Redis hashes `<prefix>{owner}:{cartId}` of `sku → quantity` (an owner id has no `:`,
 * so no two owners' keys meet), with an idle TTL refreshed by
 * every write. Each operation is one atomic round trip (a Lua script or a MULTI), so concurrent
 * writes to one cart never interleave inside an operation. Any Redis failure surfaces as
 * {@link CartStoreUnavailableError} (503).
 */
export class RedisCartRepository implements CartRepository {
  constructor(
    private readonly redis: Redis,
    private readonly options: RedisCartRepositoryOptions,
  ) {}

  async get(ref: CartRef): Promise<Cart> {
    const fields = await this.call(() => this.redis.hgetall(this.key(ref)));
    return cartFromLines(ref.cartId, toLines(Object.entries(fields)));
  }

  async setItem(ref: CartRef, sku: string, quantity: number): Promise<CartWriteResult> {
    const reply = (await this.call(() =>
      this.redis.eval(
        SET_ITEM_LUA,
        1,
        this.key(ref),
        sku,
        String(quantity),
        String(this.options.maxLines),
        String(this.options.ttlMs),
      ),
    )) as [string, string[]] | ['full'];
    if (reply[0] === 'full') throw new CartTooManyLinesError(this.options.maxLines);
    const [previous, flat] = reply as [string, string[]];
    return {
      cart: cartFromLines(ref.cartId, toLines(pairs(flat))),
      previousQuantity: Number(previous),
    };
  }

  async removeItem(ref: CartRef, sku: string): Promise<CartWriteResult> {
    const key = this.key(ref);
    const results = await this.call(() =>
      this.redis
        .multi()
        .hget(key, sku)
        .hdel(key, sku)
        .pexpire(key, this.options.ttlMs)
        .hgetall(key)
        .exec(),
    );
    if (!results) throw new CartStoreUnavailableError(new Error('transaction aborted'));
    const failed = results.find(([error]) => error);
    if (failed) throw new CartStoreUnavailableError(failed[0]);
    const previous = results[0]?.[1] as string | null;
    const fields = (results[3]?.[1] ?? {}) as Record<string, string>;
    return {
      cart: cartFromLines(ref.cartId, toLines(Object.entries(fields))),
      previousQuantity: previous === null ? 0 : Number(previous),
    };
  }

  private key(ref: CartRef): string {
    return `${this.options.keyPrefix}${ref.owner}:${ref.cartId}`;
  }

  private async call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (e) {
      throw new CartStoreUnavailableError(e);
    }
  }
}

function toLines(entries: Iterable<[string, string]>): Array<[string, number]> {
  return [...entries].map(([sku, quantity]) => [sku, Number(quantity)]);
}

function pairs(flat: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}
