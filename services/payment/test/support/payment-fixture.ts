import { FaultInjector, PolicyRegistry } from '@rc/resilience';
import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import { providerPolicy } from '../../src/config/payment.config';
import { HmacTokenFingerprinter } from '../../src/infrastructure/hmac-token.fingerprinter';
import { ResilientPaymentProvider } from '../../src/infrastructure/resilient-payment.provider';
import { SimulatedPaymentProvider } from '../../src/infrastructure/simulated-payment.provider';

/**
 * The production provider stack: simulator behind the `provider` policy with a fault injector.
 * Pass the `simulator` of another stack for a fresh policy (breaker closed) over the same one.
 */
export function providerStack(simulator = new SimulatedPaymentProvider()) {
  const registry = new Registry();
  const faults = new FaultInjector({ registry });
  const policy = PolicyRegistry.fromConfig(
    { dependencies: { provider: providerPolicy({}) } },
    { registry },
  ).get('provider');
  return {
    simulator,
    faults,
    provider: new ResilientPaymentProvider(simulator, policy, faults),
    fingerprinter: new HmacTokenFingerprinter('integration-test-secret-0123'),
  };
}

/** An always-firing rule on the `provider` dependency. */
export function providerFault(fault: Record<string, unknown>) {
  return [
    {
      id: 'provider-fault',
      target: 'dependency',
      name: 'provider',
      probability: 1,
      enabled: true,
      fault,
    },
  ];
}

/** Outbox rows (type, data) of one order, in publication order. */
export async function outboxEvents(
  pool: Pool,
  orderId: string,
): Promise<{ type: string; data: Record<string, unknown> }[]> {
  const { rows } = await pool.query<{ type: string; payload: { data: Record<string, unknown> } }>(
    'SELECT type, payload FROM outbox WHERE key = $1 ORDER BY id',
    [orderId],
  );
  return rows.map((r) => ({ type: r.type, data: r.payload.data }));
}

/** Status and decline code of every payment of an order, oldest first. */
export async function paymentRows(
  pool: Pool,
  orderId: string,
): Promise<{ status: string; decline_code: string | null }[]> {
  const { rows } = await pool.query<{ status: string; decline_code: string | null }>(
    'SELECT status, decline_code FROM payments WHERE order_id = $1 ORDER BY created_at, id',
    [orderId],
  );
  return rows;
}

/** Whether `needle` appears anywhere in the service's tables (payments, refunds, outbox, idempotency keys). */
export async function databaseContains(pool: Pool, needle: string): Promise<boolean> {
  const { rows } = await pool.query<{ found: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM payments p WHERE p::text LIKE '%' || $1 || '%')
         OR EXISTS (SELECT 1 FROM refunds r WHERE r::text LIKE '%' || $1 || '%')
         OR EXISTS (SELECT 1 FROM outbox o WHERE o::text LIKE '%' || $1 || '%')
         OR EXISTS (SELECT 1 FROM idempotency_keys k WHERE k::text LIKE '%' || $1 || '%') AS found`,
    [needle],
  );
  return rows[0]!.found;
}
