export { ShutdownRegistry, type ShutdownHook } from './shutdown-registry';
