export { ShutdownRegistry, type ShutdownHook } from './shutdown-registry';
export {
  BackgroundLoop,
  startBackgroundLoop,
  type BackgroundLoopOptions,
  type StopBackgroundLoop,
} from './background-loop';
