export {
  platformConfigSchema,
  type PlatformConfig,
  secret,
  isSecret,
  envBoolean,
} from './config-schema';
export {
  ConfigError,
  configHash,
  loadConfig,
  PER_INSTANCE_CONFIG_KEYS,
  redactConfig,
} from './load-config';
export { DEVELOPMENT_ADMIN_TOKEN, commaList, jsonText, envInt } from './env-parsers';
export {
  DEFAULT_KAFKA_FETCH_MAX_WAIT_MS,
  refuseDevelopmentDefaults,
  refuseSuperuserDatabase,
  serviceKeys,
} from './service-keys';
export { ADMIN_PORT_OFFSET, adminAddress, type AdminAddress } from './admin-address';
