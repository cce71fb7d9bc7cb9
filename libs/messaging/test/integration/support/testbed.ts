import type { Kafka, Producer } from 'kafkajs';
import { createAppliedTable, rawProducer } from './consumer-fixture';
import { createIsolatedDatabase, type IsolatedDatabase } from './isolated-database';
import { createTopics } from './kafka-fixture';

/** What an outbox suite works on: a private outbox/inbox schema and one `orders` topic (+ DLQ). */
export interface OutboxTestbed {
  db: IsolatedDatabase;
  topic: string;
  /** Deletes the topics and drops the schema. */
  remove(): Promise<void>;
}

/** What a consumer suite works on: an {@link OutboxTestbed} with the `applied` table and a producer. */
export interface ConsumerTestbed extends OutboxTestbed {
  /** Connected raw producer; `remove` disconnects it. */
  producer: Producer;
}

/** Creates an {@link OutboxTestbed}; `partitions` of the topic (default 3). */
export async function createOutboxTestbed(kafka: Kafka, partitions = 3): Promise<OutboxTestbed> {
  const db = await createIsolatedDatabase();
  const { topics, remove } = await createTopics(kafka, ['orders'], partitions);
  return {
    db,
    topic: topics[0]!,
    remove: async () => {
      await remove();
      await db.drop();
    },
  };
}

/** Creates a {@link ConsumerTestbed}; `partitions` of the topic (default 3). */
export async function createConsumerTestbed(
  kafka: Kafka,
  partitions = 3,
): Promise<ConsumerTestbed> {
  const bed = await createOutboxTestbed(kafka, partitions);
  await createAppliedTable(bed.db.pool);
  const producer = await rawProducer(kafka);
  return {
    ...bed,
    producer,
    remove: async () => {
      await producer.disconnect();
      await bed.remove();
    },
  };
}
