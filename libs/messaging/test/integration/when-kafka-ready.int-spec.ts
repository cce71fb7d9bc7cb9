import { requireKafka, uniqueName, closedPort } from '@rc/testing';
import { Kafka, logLevel } from 'kafkajs';
import { ensureTopicsInBackground, whenKafkaReady, type MessagingLogger } from '../../src';
import { testKafka } from './support/kafka-fixture';

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

describe('ensureTopicsInBackground', () => {
  it('when stopped while kafkajs is still retrying an unreachable broker, then the stop resolves within its bound and nothing runs after it', async () => {
    const port = await closedPort();
    // kafkajs' default retry policy: a single connect attempt keeps going for seconds.
    const kafka = new Kafka({
      clientId: 'it-unreachable-bg',
      brokers: [`127.0.0.1:${port}`],
      logLevel: logLevel.NOTHING,
    });
    const logged: string[] = [];
    const stop = ensureTopicsInBackground(
      kafka,
      ['never'],
      (_level, message) => {
        logged.push(message);
      },
      { stopTimeoutMs: 1_000 },
    );
    await new Promise((r) => setTimeout(r, 300));

    const started = Date.now();
    await stop();
    const stopMs = Date.now() - started;
    const loggedAtStop = logged.length;
    await new Promise((r) => setTimeout(r, 1_500));

    expect(stopMs).toBeLessThan(1_500);
    expect(logged.length).toBe(loggedAtStop);
  });
});
