import { Kafka, logLevel } from 'kafkajs';
import { connect } from 'node:net';
import { Client } from 'pg';
import { testEnv } from './config/test-env';

/**
 * Thrown when a test needs infrastructure that does not answer. Integration and end-to-end tests
 * never skip silently: they fail with this message, which says how to start the infrastructure.
 */
export class InfrastructureUnavailableError extends Error {
  constructor(component: string, address: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `${component} at ${address} is unreachable (${reason}). ` +
        'Start the infrastructure with `npm run infra:up` (see README), then run the tests again.',
    );
    this.name = 'InfrastructureUnavailableError';
  }
}

/** Fails with {@link InfrastructureUnavailableError} unless Postgres answers `SELECT 1`. */
export async function requirePostgres(url = testEnv().databaseUrl): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (e) {
    throw new InfrastructureUnavailableError('PostgreSQL', redact(url), e);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Fails with {@link InfrastructureUnavailableError} unless Redis answers PING. Speaks RESP over a
 * plain socket so a failed check leaves no client timers behind.
 */
export async function requireRedis(url = testEnv().redisUrl): Promise<void> {
  const { hostname, port } = new URL(url);
  try {
    await new Promise<void>((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port || 6379) });
      socket.setTimeout(3000, () => socket.destroy(new Error('timed out after 3000 ms')));
      socket.once('error', reject);
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (reply) => {
        socket.destroy();
        if (reply.toString().startsWith('+PONG')) resolve();
        else reject(new Error(`unexpected reply ${JSON.stringify(reply.toString().slice(0, 40))}`));
      });
    });
  } catch (e) {
    throw new InfrastructureUnavailableError('Redis', redact(url), e);
  }
}

/** Fails with {@link InfrastructureUnavailableError} unless a Kafka broker answers metadata. */
export async function requireKafka(brokers = testEnv().kafkaBrokers): Promise<void> {
  const admin = new Kafka({
    clientId: 'require-infra',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    retry: { retries: 1 },
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (e) {
    throw new InfrastructureUnavailableError('Kafka', brokers.join(','), e);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
