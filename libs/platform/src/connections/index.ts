export { createPgPool, createRedis } from './connection-factories';
export {
  type PgPoolConfig,
  pgPoolProvider,
  type PgPoolProviderOptions,
  redisProvider,
} from './connection-providers';
