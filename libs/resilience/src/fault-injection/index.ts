export { corruptValue } from './corrupt-value';
export { FaultRulesInvalidError, InjectedFaultError } from './fault-injection.errors';
export { type FaultEffects, FaultInjector, type FaultInjectorOptions } from './fault-injector';
export {
  type FaultKind,
  type FaultRule,
  type FaultSpec,
  type FaultTarget,
  MAX_FAULT_DURATION_MS,
  matchesName,
  parseFaultRules,
} from './fault-rule';
export { seededRandom } from './seeded-random';
