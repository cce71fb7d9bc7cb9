import type { z } from 'zod';
import { TOPICS, type DomainTopic } from '../topics';
import { cartItemAddedDataSchema, cartItemRemovedDataSchema } from './carts.events';
import {
  stockCommittedDataSchema,
  stockReleasedDataSchema,
  stockReservedDataSchema,
} from './inventory.events';
import { orderFailedDataSchema, orderPlacedDataSchema } from './orders.events';
import {
  paymentCapturedDataSchema,
  paymentFailedDataSchema,
  paymentRefundedDataSchema,
} from './payments.events';

/** What the registry knows about one event type. */
export interface EventDefinition {
  /** The domain topic events of this type are published on. */
  readonly topic: DomainTopic;
  /** The one schema version producers write and consumers accept. */
  readonly version: number;
  /** Schema of the envelope's `data`. */
  readonly schema: z.ZodType;
}

/**
 * Every event type of the platform → its topic, current version and data schema. Producers and
 * consumers validate against this one table. Evolution rule: additive, optional fields keep the
 * version (consumers are tolerant readers: unknown fields are dropped); anything else is a new
 * version, introduced by accepting both versions in consumers before any producer writes it.
 */
export const EVENT_REGISTRY = {
  OrderPlaced: { topic: TOPICS.orders, version: 1, schema: orderPlacedDataSchema },
  OrderFailed: { topic: TOPICS.orders, version: 1, schema: orderFailedDataSchema },
  PaymentCaptured: { topic: TOPICS.payments, version: 1, schema: paymentCapturedDataSchema },
  PaymentRefunded: { topic: TOPICS.payments, version: 1, schema: paymentRefundedDataSchema },
  PaymentFailed: { topic: TOPICS.payments, version: 1, schema: paymentFailedDataSchema },
  StockReserved: { topic: TOPICS.inventory, version: 1, schema: stockReservedDataSchema },
  StockReleased: { topic: TOPICS.inventory, version: 1, schema: stockReleasedDataSchema },
  StockCommitted: { topic: TOPICS.inventory, version: 1, schema: stockCommittedDataSchema },
  CartItemAdded: { topic: TOPICS.carts, version: 1, schema: cartItemAddedDataSchema },
  CartItemRemoved: { topic: TOPICS.carts, version: 1, schema: cartItemRemovedDataSchema },
} as const satisfies Record<string, EventDefinition>;

/** Name of a registered event type, e.g. `OrderPlaced`. */
export type EventType = keyof typeof EVENT_REGISTRY;

/** Every registered event type. */
export const EVENT_TYPES = Object.keys(EVENT_REGISTRY) as EventType[];

/** The `data` shape of event type `T`. */
export type EventData<T extends EventType> = z.infer<(typeof EVENT_REGISTRY)[T]['schema']>;

/** True when `type` is a registered event type. */
export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_REGISTRY, type);
}

/** The event types published on `topic`. */
export function eventTypesOf(topic: DomainTopic): EventType[] {
  return EVENT_TYPES.filter((type) => EVENT_REGISTRY[type].topic === topic);
}
