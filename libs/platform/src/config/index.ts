export {
  platformConfigSchema,
  type PlatformConfig,
  secret,
  isSecret,
  envBoolean,
} from './config-schema';
export { ConfigError, loadConfig, redactConfig } from './load-config';
