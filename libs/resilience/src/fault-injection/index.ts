export { corruptValue } from './corrupt-value';
export {
  DestructiveFaultsRefusedError,
  FaultRulesInvalidError,
  InjectedFaultError,
} from './fault-injection.errors';
export { type FaultEffects, FaultInjector, type FaultInjectorOptions } from './fault-injector';
export {
  DESTRUCTIVE_FAULT_KINDS,
  FAULT_TARGETS,
  type FaultKind,
  type FaultRule,
  type FaultSpec,
  type FaultTarget,
  MAX_FAULT_DURATION_MS,
  matchesName,
  type MessagingFaultTarget,
  parseFaultRules,
} from './fault-rule';
export { seededRandom } from './seeded-random';
