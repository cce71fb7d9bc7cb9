export { AttemptTimeoutError } from './timeout.errors';
export { timerSchedulerFor, type TimerScheduler } from './timer-scheduler';
export { withTimeout, type WithTimeoutOptions } from './with-timeout';
export { TimeoutQueue, type Expirable } from './timeout-queue';
