export {
  platformConfigSchema,
  type PlatformConfig,
  secret,
  isSecret,
  envBoolean,
} from './config-schema';
export { ConfigError, configHash, loadConfig, redactConfig } from './load-config';
