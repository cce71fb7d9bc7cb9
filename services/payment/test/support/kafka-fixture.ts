import { createKafka } from '@rc/messaging';
import { testEnv, uniqueName } from '@rc/testing';
import type { Kafka } from 'kafkajs';

/** A silent kafkajs client on the test broker, built as the service builds its own. */
export function testKafka(): Kafka {
  return createKafka({ clientId: uniqueName('payment-int'), brokers: testEnv().kafkaBrokers });
}
