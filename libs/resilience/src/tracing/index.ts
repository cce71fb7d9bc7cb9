export { RESILIENCE_EVENTS, type ShedReason } from './resilience-events';
