import { createEvent, type EventOf } from '@rc/contracts';
import { uniqueName } from '@rc/testing';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import { OutboxRelay, outbox, type OutboxRelayOptions } from '../../../src';

/** An OrderPlaced event for `orderId` (one line, 10.00 EUR). */
export function orderPlaced(
  orderId: string,
  trace: Record<string, string> = {},
): EventOf<'OrderPlaced'> {
  return createEvent(
    'OrderPlaced',
    orderId,
    {
      orderId,
      customerId: 'customer-1',
      items: [{ sku: 'SKU-1', quantity: 1, unitPrice: 1000 }],
      total: 1000,
      currency: 'EUR',
    },
    { trace },
  );
}

/** Writes each event to the outbox in its own committed transaction, in order. */
export async function addCommitted(pool: Pool, topic: string, events: EventOf<'OrderPlaced'>[]) {
  for (const event of events) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await outbox.add(client, event, { topic });
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }
}

/** Rows still waiting for the relay. */
export async function unpublished(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    'SELECT count(*) AS n FROM outbox WHERE published_at IS NULL',
  );
  return Number(rows[0]!.n);
}

/** A relay with test-speed polling and its own metrics registry. */
export function testRelay(
  pool: Pool,
  kafka: Kafka,
  overrides: Partial<OutboxRelayOptions> = {},
): { relay: OutboxRelay; registry: Registry } {
  const registry = new Registry();
  const relay = new OutboxRelay({
    name: uniqueName('relay'),
    pool,
    kafka,
    pollIntervalMs: 50,
    standbyPollIntervalMs: 100,
    backoff: { baseMs: 20, maxMs: 100 },
    registry,
    ...overrides,
  });
  return { relay, registry };
}
