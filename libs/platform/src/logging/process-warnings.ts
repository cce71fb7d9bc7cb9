import type { EventEmitter } from 'node:events';
import type { JsonLogger } from './json-logger';

/**
 * Warnings known to be harmless, logged at debug instead of warn. `TimeoutNegativeWarning`:
 * kafkajs 2.2 schedules its request-queue check `throttledUntil - now` ms ahead with
 * `throttledUntil = -1` when nothing is throttled; Node 24 clamps the delay to 1 ms and warns.
 * @rc/messaging's `patchKafkajsIdleTimer` removes that idle timer (it spun every 1 ms), so the
 * warning should no longer appear; a kafkajs client made without `createKafka` can still cause it.
 */
const KNOWN_HARMLESS: ReadonlySet<string> = new Set(['TimeoutNegativeWarning']);

/**
 * Routes the process's warnings (`process.emitWarning`: deprecations, negative timeouts,
 * listener leaks …) into the service's JSON log instead of Node's plain-text stderr lines, which
 * a log pipeline expecting one JSON object per line cannot parse. Only for a process the service
 * owns (it replaces Node's own printer).
 */
export function routeProcessWarnings(logger: JsonLogger, target: EventEmitter = process): void {
  target.removeAllListeners('warning');
  target.on('warning', (warning: Error & { code?: string }) => {
    logger.write(KNOWN_HARMLESS.has(warning.name) ? 'debug' : 'warn', 'process warning', {
      name: warning.name,
      ...(warning.code ? { code: warning.code } : {}),
      detail: warning.message,
    });
  });
}
