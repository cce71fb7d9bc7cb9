import { FAST_GROUP, uniqueName } from '@rc/testing';
import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import type { DomainEvent } from '@rc/contracts';
import {
  createIdempotentProducer,
  EventConsumer,
  inbox,
  PermanentHandlerError,
  type BatchContext,
  type BatchHandler,
  type EventConsumerOptions,
  type EventHandlers,
} from '../../../src';

/** Table the test handlers write to through the inbox: one row per applied event. */
export async function createAppliedTable(pool: Pool): Promise<void> {
  await pool.query(
    'CREATE TABLE applied (event_id uuid PRIMARY KEY, order_id text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
  );
}

/** Applies an event exactly once per group: inbox row + `applied` row in one transaction. */
export function applyOnce(pool: Pool, group: string) {
  return async (eventId: string, orderId: string) =>
    inbox.runOnce(pool, group, eventId, async (client) => {
      await client.query('INSERT INTO applied (event_id, order_id) VALUES ($1, $2)', [
        eventId,
        orderId,
      ]);
    });
}

/** Orders whose id starts with `poison` fail permanently, in the batch and one by one. */
function refusePoison(orderId: string): void {
  if (orderId.startsWith('poison')) throw new PermanentHandlerError('TEST.POISON', 'poison order');
}

/**
 * A batch handler writing every new event of the batch in one inbox transaction; `before` runs
 * inside it just before it commits, `onCall` first (sees each call's context).
 */
export function applyBatch(
  pool: Pool,
  group: string,
  hooks: { before?: () => Promise<void>; onCall?: (context: BatchContext) => void } = {},
): BatchHandler {
  return async (events: readonly DomainEvent[], context) => {
    hooks.onCall?.(context);
    await inbox.runBatch(
      pool,
      group,
      events.map((e) => e.id),
      async (client, fresh) => {
        for (const event of events) {
          if (event.type !== 'OrderPlaced' || !fresh.has(event.id)) continue;
          refusePoison(event.data.orderId);
          await client.query('INSERT INTO applied (event_id, order_id) VALUES ($1, $2)', [
            event.id,
            event.data.orderId,
          ]);
        }
        await hooks.before?.();
      },
    );
  };
}

/** The per-event twin of {@link applyBatch} (the fallback). */
export function applyEach(pool: Pool, group: string): EventHandlers {
  const apply = applyOnce(pool, group);
  return {
    OrderPlaced: async (event) => {
      refusePoison(event.data.orderId);
      await apply(event.id, event.data.orderId);
    },
  };
}

/** Order ids applied so far, in application order. */
export async function appliedOrders(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ order_id: string }>(
    'SELECT order_id FROM applied ORDER BY applied_at',
  );
  return rows.map((r) => r.order_id);
}

/** A consumer with test-speed group timings, fast retries and its own registry. */
export function testConsumer(
  kafka: Kafka,
  topics: string[],
  handlers: EventHandlers,
  overrides: Partial<EventConsumerOptions> = {},
): { consumer: EventConsumer; registry: Registry; groupId: string } {
  const registry = new Registry();
  const groupId = overrides.groupId ?? uniqueName('group');
  const consumer = new EventConsumer({
    kafka,
    groupId,
    topics,
    handlers,
    maxAttempts: 4,
    backoff: { baseMs: 5, maxMs: 20 },
    lagSampleIntervalMs: 0,
    registry,
    ...FAST_GROUP,
    ...overrides,
  });
  return { consumer, registry, groupId };
}

/** A connected producer for raw test messages. */
export async function rawProducer(kafka: Kafka): Promise<Producer> {
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  return producer;
}

/** Sends one raw message; returns where it landed. */
export async function sendRaw(
  producer: Producer,
  topic: string,
  key: string,
  value: string,
  headers: Record<string, string> = {},
): Promise<{ partition: number; offset: string }> {
  const [meta] = await producer.send({ topic, acks: -1, messages: [{ key, value, headers }] });
  return { partition: meta!.partition, offset: meta!.baseOffset! };
}
