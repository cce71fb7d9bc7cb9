export {
  bootstrapService,
  runService,
  type BootstrapOptions,
  type RunningService,
} from './bootstrap-service';
export { PlatformModule, SERVICE_CONFIG, type PlatformServices } from './platform.module';
