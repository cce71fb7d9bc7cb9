import { trace } from '@opentelemetry/api';
import { register as defaultRegistry, type Registry } from 'prom-client';
import { counter } from '../metrics';
import { isResilienceError } from '../resilience.errors';
import { RESILIENCE_EVENTS } from '../tracing/resilience-events';

/** Result of {@link withFallback}: the value, and whether it is the degraded one. */
export interface FallbackResult<T> {
  readonly value: T;
  /** True when the fallback produced `value` (tell the client, e.g. `x-degraded` header). */
  readonly degraded: boolean;
  /** Bounded reason when degraded, e.g. `circuit_open`, `attempt_timeout`, `http_5xx`. */
  readonly reason?: string;
}

/** Options of {@link withFallback}. */
export interface FallbackOptions {
  /** Where the counter goes; defaults to prom-client's global registry. */
  registry?: Registry;
  /** Which errors fall back (default: all). Others are rethrown. */
  shouldFallback?: (error: unknown) => boolean;
}

/**
 * Bounded reason label for an error: a toolkit error's code suffix (`circuit_open`), an HTTP
 * status class (`http_5xx`), or `error`.
 */
export function fallbackReason(error: unknown): string {
  if (!isResilienceError(error)) return 'error';
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number') return `http_${Math.floor(status / 100)}xx`;
  return error.code.slice(error.code.indexOf('.') + 1).toLowerCase();
}

/**
 * Runs `fn`; if it fails, returns `fallback(error, reason)` instead, marked degraded. Each use
 * of the fallback is counted in `resilience_fallback_total{dependency,reason}` and recorded on
 * the active span as a `resilience.fallback` event (plus `resilience.degraded=true`), so
 * degradation is visible in metrics and traces — never silent.
 */
export async function withFallback<T>(
  dependency: string,
  fn: () => Promise<T>,
  fallback: (error: unknown, reason: string) => T | Promise<T>,
  options: FallbackOptions = {},
): Promise<FallbackResult<T>> {
  try {
    return { value: await fn(), degraded: false };
  } catch (error) {
    if (options.shouldFallback && !options.shouldFallback(error)) throw error;
    const reason = fallbackReason(error);
    counter(options.registry ?? defaultRegistry, {
      name: 'resilience_fallback_total',
      help: 'Fallbacks used instead of a dependency answer, by reason',
      labelNames: ['dependency', 'reason'],
    }).inc({ dependency, reason });
    const span = trace.getActiveSpan();
    span?.addEvent(RESILIENCE_EVENTS.fallback, {
      'resilience.dependency': dependency,
      'resilience.reason': reason,
    });
    span?.setAttribute('resilience.degraded', true);
    return { value: await fallback(error, reason), degraded: true, reason };
  }
}
