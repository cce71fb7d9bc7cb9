export { createPgPool, createRedis } from './connection-factories';
