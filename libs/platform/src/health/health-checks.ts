import type { Admin } from 'kafkajs';
import type Redis from 'ioredis';
import type { Pool } from 'pg';
import type { HealthCheck } from './health-registry';

/** Ready when the pool can run `SELECT 1`. */
export function postgresCheck(pool: Pool): HealthCheck {
  return async () => {
    await pool.query('SELECT 1');
  };
}

/** Ready when Redis answers PING. */
export function redisCheck(redis: Redis): HealthCheck {
  return async () => {
    const reply = await redis.ping();
    if (reply !== 'PONG') throw new Error(`unexpected PING reply ${String(reply)}`);
  };
}

/** Ready when a connected kafkajs admin can describe the cluster. */
export function kafkaCheck(admin: Admin): HealthCheck {
  return async () => {
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('no brokers');
  };
}
