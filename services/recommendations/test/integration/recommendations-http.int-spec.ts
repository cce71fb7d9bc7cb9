import { createEvent } from '@rc/contracts';
import { createIdempotentProducer, encodeEvent } from '@rc/messaging';
import { closedPort, testEnv, waitFor } from '@rc/testing';
import { Redis } from 'ioredis';
import type { Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { createTopic, testKafka } from '../support/kafka-fixture';
import {
  startRecommendations,
  type StartedRecommendations,
} from '../support/start-recommendations';

const get = async (base: string, query: string) => {
  const res = await fetch(`${base}/v1/recommendations?${query}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('recommendations over HTTP (service in-process, real Redis and Kafka)', () => {
  const kafka = testKafka();
  let reco: StartedRecommendations;
  let topic: string;
  let removeTopic: () => Promise<void>;
  let producer: Producer;

  beforeAll(async () => {
    ({ topic, remove: removeTopic } = await createTopic(kafka, 'orders'));
    reco = await startRecommendations({ RECO_ORDERS_TOPIC: topic });
    producer = createIdempotentProducer(kafka);
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await reco?.stop();
    await removeTopic?.();
  });

  it('when the model has seen no orders, then the static best-sellers answer', async () => {
    // Act
    const { status, body } = await get(reco.url, 'skus=TENT&limit=2');

    // Assert
    expect(status).toBe(200);
    expect(body).toEqual({ skus: ['BEST-1', 'BEST-2'], source: 'bestsellers' });
  });

  it('when orders are placed, then the model learns from the topic and answers from it, then from the cache', async () => {
    // Arrange
    const order = (skus: string[]) => {
      const orderId = randomUUID();
      return encodeEvent(
        createEvent('OrderPlaced', orderId, {
          orderId,
          customerId: 'c-1',
          items: skus.map((sku) => ({ sku, quantity: 1, unitPrice: 100 })),
          total: 100 * skus.length,
          currency: 'EUR',
        }),
      );
    };

    // Act
    await producer.send({
      topic,
      acks: -1,
      messages: [
        order(['STOVE', 'POT']),
        order(['STOVE', 'POT', 'FUEL']),
        order(['STOVE', 'FUEL']),
      ],
    });

    // Assert: once all three orders are learnt, the model answers, then the cache
    const redis = new Redis(testEnv().redisUrl);
    await waitFor(
      async () => (await redis.zscore(`${reco.prefix}best`, 'STOVE')) === '3',
      20_000,
      'the model to learn the three orders',
    );
    redis.disconnect();
    expect((await get(reco.url, 'skus=STOVE&limit=2')).body).toEqual({
      skus: ['FUEL', 'POT'],
      source: 'model',
    });
    expect((await get(reco.url, 'skus=STOVE&limit=2')).body).toEqual({
      skus: ['FUEL', 'POT'],
      source: 'cache',
    });
  });

  it.each([
    '',
    'skus=',
    'skus=a%20b',
    'skus=A&limit=0',
    'skus=A&limit=21',
    `skus=${Array(21).fill('A').join(',')}`,
  ])('when the query is %j, then 400 HTTP.VALIDATION_FAILED', async (query) => {
    // Act
    const { status, body } = await get(reco.url, query);

    // Assert
    expect(status).toBe(400);
    expect(body.code).toBe('HTTP.VALIDATION_FAILED');
  });
});

describe('recommendations over HTTP with Redis unreachable', () => {
  let reco: StartedRecommendations;

  beforeAll(async () => {
    reco = await startRecommendations({
      REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
      KAFKA_BROKERS: `127.0.0.1:${await closedPort()}`,
    });
  });

  afterAll(async () => {
    await reco?.stop();
  });

  it('when asked, then it still answers 200 from the static best-sellers and stays ready', async () => {
    // Act
    const answers = await Promise.all([1, 2, 3].map(() => get(reco.url, 'skus=TENT')));
    const ready = await fetch(`${reco.url}/health/ready`);

    // Assert
    for (const { status, body } of answers) {
      expect(status).toBe(200);
      expect(body).toEqual({ skus: ['BEST-1', 'BEST-2', 'BEST-3'], source: 'bestsellers' });
    }
    expect(ready.status).toBe(200);
  });
});
