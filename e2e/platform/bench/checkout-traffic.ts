import { randomUUID } from 'node:crypto';
import { CustomerTokenIssuer } from '@rc/platform';
import type { PlatformUnderTest } from '@rc/testing';
import { Pool } from 'pg';
import type { LoadRequest } from './open-loop';

/** Signed-in customers the benchmark cycles through (see {@link checkoutTraffic}). */
export const BENCH_CUSTOMERS = 1_000;

/** {@link BENCH_CUSTOMERS} customers `<prefix>-<n>` signed in with the platform run's identity key. */
export function benchCustomers(platform: PlatformUnderTest, prefix: string) {
  return CustomerTokenIssuer.fromKeyPair(platform.identityKey).pool(prefix, BENCH_CUSTOMERS);
}

/**
 * Checkout requests of the benchmark: signed in as one of `customers` in turn (a thousand, each
 * placing an order every few seconds at most, so the per-customer rate limit never applies and
 * each token is verified once, then remembered), each with its own `Idempotency-Key`, one unit
 * of one SKU in the body (no cart: the core path), paid with the always-approved test token.
 * SKUs rotate so no stock row is hot.
 */
export function checkoutTraffic(
  skus: readonly string[],
  customers: readonly { readonly customerId: string; readonly authorization: string }[],
): () => LoadRequest {
  if (skus.length === 0) throw new Error('the catalogue is empty: nothing to order');
  if (customers.length === 0) throw new Error('no customers to sign in as');
  let n = 0;
  return () => {
    n++;
    const customer = customers[n % customers.length]!;
    return {
      path: '/v1/checkout',
      headers: { 'idempotency-key': randomUUID(), authorization: customer.authorization },
      body: {
        items: [{ sku: skus[n % skus.length]!, quantity: 1 }],
        payment: { token: 'tok_visa' },
      },
    };
  };
}

/** SKUs of the catalogue, read from inventory's public API. */
export async function catalogueSkus(inventoryUrl: string): Promise<string[]> {
  const res = await fetch(`${inventoryUrl}/v1/products`, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`GET ${inventoryUrl}/v1/products answered ${res.status}`);
  const body = (await res.json()) as { items: { sku: string }[] };
  return body.items.map((p) => p.sku);
}

/**
 * Makes sure every SKU has at least `units` available, directly in inventory's database (a
 * benchmark shortcut: there is no restocking API). Only ever raises stock, and only where it is
 * short, so repeated runs do not inflate it. Returns how many SKUs were topped up.
 */
export async function topUpStock(inventoryDatabaseUrl: string, units: number): Promise<number> {
  const pool = new Pool({ connectionString: inventoryDatabaseUrl, max: 1 });
  try {
    const res = await pool.query(
      'UPDATE stock SET on_hand = reserved + $1 WHERE on_hand - reserved < $1',
      [units],
    );
    return res.rowCount ?? 0;
  } finally {
    await pool.end();
  }
}
