import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';
import Redis from 'ioredis';
import { Client } from 'pg';
import { requireKafka, requirePostgres, requireRedis, testEnv, uniqueName } from '../../src';

// Proves the real infrastructure every integration and end-to-end suite relies on answers.
describe('infrastructure smoke', () => {
  const env = testEnv();

  it('when Postgres is queried, then it answers with a server version of 15 or newer', async () => {
    await requirePostgres();
    const client = new Client({ connectionString: env.databaseUrl });
    await client.connect();
    try {
      const table = uniqueName('smoke').replace(/-/g, '_');
      await client.query(`CREATE TEMP TABLE ${table} (id int PRIMARY KEY, note text NOT NULL)`);
      await client.query(`INSERT INTO ${table} VALUES ($1, $2)`, [1, 'written']);
      const rows = await client.query<{ note: string }>(`SELECT note FROM ${table} WHERE id = 1`);
      const version = await client.query<{ v: string }>(
        `SELECT current_setting('server_version_num') AS v`,
      );

      expect(rows.rows).toEqual([{ note: 'written' }]);
      expect(Number(version.rows[0]!.v)).toBeGreaterThanOrEqual(150000);
    } finally {
      await client.end();
    }
  });

  it('when a Redis key is written with a TTL, then it reads back and expires', async () => {
    await requireRedis();
    const redis = new Redis(env.redisUrl);
    const key = uniqueName('smoke');
    try {
      await redis.set(key, 'value', 'PX', 5000);

      expect(await redis.get(key)).toBe('value');
      expect(await redis.pttl(key)).toBeGreaterThan(0);
    } finally {
      await redis.del(key);
      redis.disconnect();
    }
  });

  describe('kafka', () => {
    const topic = uniqueName('smoke');
    const kafka = new Kafka({
      clientId: 'infra-smoke',
      brokers: env.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    let producer: Producer | undefined;
    let consumer: Consumer | undefined;

    beforeAll(async () => {
      await requireKafka();
      await admin.connect();
    });

    afterAll(async () => {
      await consumer?.disconnect();
      await producer?.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    });

    it('when a topic is created and a message produced, then a consumer group receives it', async () => {
      // Arrange
      const created = await admin.createTopics({
        topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
        waitForLeaders: true,
      });
      expect(created).toBe(true);
      producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      consumer = kafka.consumer({
        groupId: `${topic}-group`,
        sessionTimeout: 10_000,
        heartbeatInterval: 500,
      });
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const received = new Promise<{ key: string; value: string }>((resolve) => {
        void consumer!.run({
          eachMessage: async ({ message }) =>
            resolve({ key: message.key!.toString(), value: message.value!.toString() }),
        });
      });

      // Act
      await producer.send({ topic, acks: -1, messages: [{ key: 'order-1', value: 'hello' }] });

      // Assert
      await expect(received).resolves.toEqual({ key: 'order-1', value: 'hello' });
    });
  });
});
