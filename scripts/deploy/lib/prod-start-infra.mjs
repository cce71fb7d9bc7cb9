// The loopback infrastructure a production start needs, and what one start owns on it: a fresh
// Postgres database (so the service applies its migrations to an empty one, as on a first
// `docker compose up`, and touches nobody's data) and Kafka consumer groups placed at the end of
// every topic (so the service neither joins another run's group nor replays old events into its
// empty database). Uses the workspace's own pg and kafkajs.
import { createRequire } from 'node:module';
import { createConnection } from 'node:net';
import { join } from 'node:path';

/**
 * The servers `npm run infra:up` runs (DATABASE_URL, REDIS_URL and KAFKA_BROKERS override them,
 * as for the test suites).
 */
export function infraEndpoints(env = process.env) {
  return {
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/rc_test',
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisCacheUrl: env.REDIS_CACHE_URL ?? 'redis://127.0.0.1:6380',
    kafkaBrokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()),
  };
}

/** Clients of the loopback infrastructure, loaded from the repository's node_modules. */
export function infraClients(root, infra) {
  const require = createRequire(join(root, 'package.json'));
  const { Client } = require('pg');
  const { Kafka, logLevel } = require('kafkajs');
  const kafka = new Kafka({
    clientId: 'check-prod-start',
    brokers: infra.kafkaBrokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    retry: { retries: 2 },
  });

  async function sql(text) {
    const client = new Client({
      connectionString: infra.databaseUrl,
      connectionTimeoutMillis: 3000,
    });
    await client.connect();
    try {
      return await client.query(text);
    } finally {
      await client.end();
    }
  }

  async function withAdmin(fn) {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return await fn(admin);
    } finally {
      await admin.disconnect();
    }
  }

  function redisPing() {
    const u = new URL(infra.redisUrl);
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: u.hostname, port: Number(u.port || 6379) });
      socket.setTimeout(3000, () => socket.destroy(new Error('timed out')));
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (d) => {
        socket.end();
        if (d.toString().startsWith('+PONG')) resolve();
        else reject(new Error(`answered ${JSON.stringify(d.toString().trim())}`));
      });
      socket.once('error', reject);
    });
  }

  return {
    /** What is not reachable, one line each (empty when Postgres, Redis and Kafka answer). */
    async unreachable() {
      const probes = {
        [`Postgres (${new URL(infra.databaseUrl).host})`]: () => sql('SELECT 1'),
        [`Redis (${new URL(infra.redisUrl).host})`]: redisPing,
        [`Kafka (${infra.kafkaBrokers.join(',')})`]: () => withAdmin((a) => a.listTopics()),
      };
      const out = [];
      for (const [name, probe] of Object.entries(probes)) {
        await probe().catch((e) => out.push(`${name}: ${e instanceof Error ? e.message : e}`));
      }
      return out;
    },
    /** A fresh database, owned by `owner` (the role the service connects as) when given. */
    createDatabase: (name, owner) =>
      sql(`CREATE DATABASE ${name}${owner ? ` OWNER "${owner.replace(/"/g, '""')}"` : ''}`),
    dropDatabase: (name) => sql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    /**
     * Commits `groupId`'s offsets at the end of every (non-internal) topic, as one member that
     * joins and leaves (kafkajs' admin.setOffsets joins once per topic and waits for a fetch).
     */
    async placeGroupAtEnd(groupId) {
      const ends = await withAdmin(async (admin) => {
        const topics = (await admin.listTopics()).filter((t) => !t.startsWith('__'));
        const offsets = await Promise.all(topics.map((t) => admin.fetchTopicOffsets(t)));
        return topics.flatMap((topic, i) =>
          offsets[i].map((o) => ({ topic, partition: o.partition, offset: o.high })),
        );
      });
      if (ends.length === 0) return;
      const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [...new Set(ends.map((e) => e.topic))] });
        const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async () => undefined,
        });
        await joined;
        await consumer.commitOffsets(ends);
      } finally {
        await consumer.disconnect();
      }
    },
    deleteGroup: (groupId) => withAdmin((admin) => admin.deleteGroups([groupId])),
  };
}
