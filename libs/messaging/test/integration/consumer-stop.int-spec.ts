import { FAST_GROUP, uniqueName } from '@rc/testing';
import type { Kafka } from 'kafkajs';
import { EventConsumer } from '../../src';
import { testKafka } from './support/kafka-fixture';
import { createConsumerTestbed, type ConsumerTestbed } from './support/testbed';

describe('event consumer shutdown', () => {
  const kafka: Kafka = testKafka();
  let bed: ConsumerTestbed;

  beforeAll(async () => {
    bed = await createConsumerTestbed(kafka);
  });

  afterAll(async () => {
    await bed?.remove();
  });

  it("when an idle consumer with the library's default fetch wait is stopped, then the stop takes about a second, not the five of a kafkajs fetch", async () => {
    // Arrange: the test group timings, but the library's own fetch wait (the services pass
    // KAFKA_FETCH_MAX_WAIT_MS instead, 5 s by default)
    const { maxWaitTimeMs: _testFetchWait, ...groupTimings } = FAST_GROUP;
    const consumer = new EventConsumer({
      kafka,
      groupId: uniqueName('stop-group'),
      topics: [bed.topic],
      handlers: {},
      lagSampleIntervalMs: 0,
      ...groupTimings,
    });
    await consumer.start();
    // A fetch is now waiting on the broker for messages that do not come.
    await new Promise((r) => setTimeout(r, 300));

    // Act
    const started = Date.now();
    await consumer.stop();
    const stopMs = Date.now() - started;

    // Assert: a stop waits for the fetch in flight; kafkajs' default wait (5 s) would show here
    expect(stopMs).toBeLessThan(2_500);
  });
});
