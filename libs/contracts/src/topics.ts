/**
 * Kafka topics, one per domain. Each has a dead-letter topic named `<topic>.dlq` where consumers
 * park messages they cannot process (see @rc/messaging). Auto topic creation is off on the
 * brokers: services create these explicitly at start-up (`ensureTopics`).
 */
export const TOPICS = {
  orders: 'orders',
  payments: 'payments',
  inventory: 'inventory',
  carts: 'carts',
} as const;

/** A domain topic name. */
export type DomainTopic = (typeof TOPICS)[keyof typeof TOPICS];

/** Every domain topic, in a stable order. */
export const DOMAIN_TOPICS: readonly DomainTopic[] = Object.values(TOPICS);

/** Suffix that turns a topic name into its dead-letter topic name. */
export const DLQ_SUFFIX = '.dlq';

/** The dead-letter topic of `topic`, e.g. `orders` → `orders.dlq`. */
export function dlqTopicOf(topic: string): string {
  return `${topic}${DLQ_SUFFIX}`;
}

/** True when `topic` names a dead-letter topic. */
export function isDlqTopic(topic: string): boolean {
  return topic.endsWith(DLQ_SUFFIX);
}
