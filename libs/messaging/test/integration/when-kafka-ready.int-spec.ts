import { createServer } from 'node:net';
import { requireKafka, uniqueName } from '@rc/testing';
import { Kafka, logLevel } from 'kafkajs';
import { whenKafkaReady, type MessagingLogger } from '../../src';
import { testKafka } from './support/kafka-fixture';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('whenKafkaReady', () => {
  it('when the broker answers, then the topics exist and the follow-up runs once', async () => {
    await requireKafka();
    const kafka = testKafka();
    const topic = uniqueName('it-ready');
    let followUps = 0;

    const done = await whenKafkaReady(kafka, [topic], async () => void followUps++, {
      signal: new AbortController().signal,
      logger: () => undefined,
    });

    const admin = kafka.admin();
    await admin.connect();
    const topics = await admin.listTopics();
    await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] });
    await admin.disconnect();
    expect(done).toBe(true);
    expect(followUps).toBe(1);
    expect(topics).toEqual(expect.arrayContaining([topic, `${topic}.dlq`]));
  });

  it('when the broker is unreachable, then it keeps retrying with a warning and gives up only when aborted', async () => {
    const port = await closedPort();
    const kafka = new Kafka({
      clientId: 'it-unreachable',
      brokers: [`127.0.0.1:${port}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      connectionTimeout: 200,
    });
    const warnings: string[] = [];
    const logger: MessagingLogger = (level, message) =>
      void (level === 'warn' && warnings.push(message));
    const stop = new AbortController();

    const result = whenKafkaReady(kafka, ['never'], async () => undefined, {
      signal: stop.signal,
      logger,
    });
    await new Promise((r) => setTimeout(r, 1500));
    stop.abort();

    await expect(result).resolves.toBe(false);
    expect(warnings.length).toBeGreaterThanOrEqual(1);
  });
});
