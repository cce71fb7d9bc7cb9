import { createHash } from 'node:crypto';

/**
 * Namespace of checkout order ids. Fixed forever: changing it would give a retried checkout a
 * new order id, i.e. a second order for one purchase.
 */
export const ORDER_ID_NAMESPACE = '6f1c3e9a-2b7d-4c58-9a41-0d5e8b7f3c21';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * RFC 9562 name-based UUID, version 5 (SHA-1): the same namespace and name always give the same
 * id. Twelve lines rather than a dependency; the RFC's test vector is in the spec file.
 */
export function uuidV5(name: string, namespace: string): string {
  if (!UUID.test(namespace)) throw new RangeError(`namespace must be a UUID, got "${namespace}"`);
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50; // version 5
  hash[8] = (hash[8]! & 0x3f) | 0x80; // RFC variant
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Namespace of the order ids of customer ids that contain `:`. Fixed forever, like
 * {@link ORDER_ID_NAMESPACE}.
 */
export const QUALIFIED_ORDER_ID_NAMESPACE = 'b3f4d1e2-7c6a-4e1b-8f0d-2a9c5e7b1d43';

/**
 * The order id of a checkout: UUIDv5 of `customerId:idempotencyKey`. A client that retries after
 * a timeout or a crash (same key) lands on the same order, never a second one; two customers
 * using the same key get different orders.
 *
 * `customerId:key` is unambiguous only while the customer id has no `:` (`a` + `b:c` and `a:b` +
 * `c` would name one order). Such customer ids are hashed as the JSON pair in their own
 * namespace instead, so no two (customer, key) pairs share an order id, and the ids of every
 * other customer stay what they always were.
 */
export function checkoutOrderId(customerId: string, idempotencyKey: string): string {
  if (!customerId.includes(':'))
    return uuidV5(`${customerId}:${idempotencyKey}`, ORDER_ID_NAMESPACE);
  return uuidV5(JSON.stringify([customerId, idempotencyKey]), QUALIFIED_ORDER_ID_NAMESPACE);
}
