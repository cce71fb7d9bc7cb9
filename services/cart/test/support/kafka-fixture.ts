import { createKafka, ensureTopics, headersToRecord } from '@rc/messaging';
import { closedPort, createTestTopics, readMessages, testEnv, uniqueName } from '@rc/testing';
import type { Kafka } from 'kafkajs';

/** A kafkajs client on the test broker, built as the service builds its own. */
export function testKafka(): Kafka {
  return createKafka({ clientId: uniqueName('cart-it'), brokers: testEnv().kafkaBrokers });
}

/**
 * A kafkajs client aimed at a local port nothing listens on: connections are refused at once,
 * as when the broker is down. The shared test broker is never touched.
 */
export async function unreachableKafka(): Promise<Kafka> {
  const port = await closedPort();
  return createKafka({
    clientId: uniqueName('cart-it-down'),
    brokers: [`127.0.0.1:${port}`],
    connectionTimeoutMs: 500,
    retry: { retries: 0 },
  });
}

/** A one-partition topic (and its DLQ) no other run uses; `remove` deletes both. */
export async function createTopic(kafka: Kafka, name: string) {
  const { topics, remove } = await createTestTopics(kafka, [name], { ensure: ensureTopics });
  return { topic: topics[0]!, remove };
}

/** The first `count` cart events in `topic`, decoded: key, JSON value and headers. */
export async function readEvents(kafka: Kafka, topic: string, count: number) {
  const messages = await readMessages(kafka, topic, count);
  return messages.map((message) => ({
    key: message.key?.toString() ?? '',
    value: JSON.parse(message.value?.toString() ?? 'null') as unknown,
    headers: headersToRecord(message.headers),
  }));
}
