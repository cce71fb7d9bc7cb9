import { register as defaultRegistry, type Counter, type Registry } from 'prom-client';
import { systemClock, type Clock } from '../clock';
import { currentDeadline } from '../deadline/deadline-context';
import { DeadlineExceededError } from '../deadline/deadline.errors';
import { counter } from '../metrics';
import { parseConfig } from '../policy/resilience-config.error';
import type { RetryBudget } from '../retry-budget/retry-budget';
import { recordRetry, recordRetryGaveUp } from '../tracing/resilience-events';
import { Backoff, BackoffProgress } from './backoff';
import { defaultErrorClassifier, type ErrorClassifier } from './error-classifier';
import { retryConfigSchema, type RetryConfig, type RetryConfigInput } from './retry.config';
import { isSafeToRepeat, type RetryRequest } from './retry-request';

/** Why the retry logic stopped (label of `resilience_retry_gave_up_total`). */
export type GiveUpReason =
  | 'cancelled'
  | 'not_transient'
  | 'do_not_retry'
  | 'max_attempts'
  | 'non_idempotent'
  | 'retry_after_too_long'
  | 'deadline'
  | 'budget_exhausted';

/** Outcome of {@link Retry.decide}. */
export type RetryDecision =
  { retry: true; delayMs: number } | { retry: false; reason: GiveUpReason };

/** One failed attempt put to {@link Retry.decide}. */
export interface RetryQuestion {
  /** What the attempt failed with. */
  error: unknown;
  /** 1-based number of the attempt that failed. */
  attempt: number;
  /** The request: cancellation and whether it is safe to repeat. */
  request?: RetryRequest;
  /** The request's backoff so far ({@link Retry.newProgress}). */
  progress: BackoffProgress;
  /** Epoch-ms deadline of the request, if any. */
  deadlineAt?: number;
  /** A retry must leave at least this much of the deadline for its attempt (default 0). */
  minRemainingMs?: number;
}

/** Collaborators of a {@link Retry}; all optional. */
export interface RetryDeps {
  clock?: Clock;
  /** Where metrics go; defaults to prom-client's global registry. */
  registry?: Registry;
  classifier?: ErrorClassifier;
  /** Shared budget of the dependency; without one, retries are limited by maxAttempts only. */
  budget?: RetryBudget;
}

/**
 * Retry with exponential backoff and jitter, a finite number of attempts, and the rules that
 * keep retries from making an outage worse. {@link decide} applies them in this order:
 * caller cancelled → not transient → server said "do not retry" → attempts used up → not safe to
 * repeat (POST/PATCH without idempotency key, unless the request was never sent) → Retry-After
 * (or breaker wait) longer than `maxRetryAfterMs` → not enough deadline left for the wait →
 * retry budget. The budget is asked last so that only retries that will really happen spend it.
 */
export class Retry {
  /** Validated configuration with defaults applied. */
  readonly config: RetryConfig;
  private readonly clock: Clock;
  private readonly classify: ErrorClassifier;
  private readonly budget: RetryBudget | undefined;
  private readonly backoff: Backoff;
  private readonly retries: Counter<'dependency' | 'reason'>;
  private readonly gaveUp: Counter<'dependency' | 'reason'>;

  constructor(
    /** Dependency name (metric label). */
    readonly name: string,
    config: RetryConfigInput = {},
    deps: RetryDeps = {},
  ) {
    this.config = parseConfig(retryConfigSchema, config, 'retry');
    this.clock = deps.clock ?? systemClock;
    this.classify = deps.classifier ?? defaultErrorClassifier;
    this.budget = deps.budget;
    this.backoff = new Backoff(this.config.baseDelayMs, this.config.maxDelayMs, this.config.jitter);
    const registry = deps.registry ?? defaultRegistry;
    this.retries = counter(registry, {
      name: 'resilience_retry_retries_total',
      help: 'Retries started, by the reason the previous attempt failed',
      labelNames: ['dependency', 'reason'],
    });
    this.gaveUp = counter(registry, {
      name: 'resilience_retry_gave_up_total',
      help: 'Failed calls not retried (any more), by reason',
      labelNames: ['dependency', 'reason'],
    });
  }

  /** Fresh backoff progress for one logical request (the composed policy creates it lazily). */
  newProgress(): BackoffProgress {
    return new BackoffProgress(this.backoff);
  }

  /**
   * Decides whether attempt number `attempt` (1-based), which failed with `error`, is retried,
   * and after how long. Counts the decision in the metrics.
   */
  decide({
    error,
    attempt,
    request,
    progress,
    deadlineAt,
    minRemainingMs = 0,
  }: RetryQuestion): RetryDecision {
    const c = this.classify(error);
    if (request?.signal?.aborted) return this.giveUp('cancelled', attempt);
    if (!c.transient) return this.giveUp('not_transient', attempt);
    if (c.doNotRetry) return this.giveUp('do_not_retry', attempt);
    if (attempt >= this.config.maxAttempts) return this.giveUp('max_attempts', attempt);
    if (!c.requestNotSent && !isSafeToRepeat(request)) {
      return this.giveUp('non_idempotent', attempt);
    }
    const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
    let delayMs = progress.nextDelayMs();
    if (typeof retryAfterMs === 'number') {
      if (retryAfterMs > this.config.maxRetryAfterMs) {
        return this.giveUp('retry_after_too_long', attempt);
      }
      delayMs = Math.max(delayMs, retryAfterMs);
    }
    if (deadlineAt !== undefined && this.clock.now() + delayMs + minRemainingMs > deadlineAt) {
      return this.giveUp('deadline', attempt);
    }
    if (this.budget && !this.budget.tryAcquireRetry()) {
      return this.giveUp('budget_exhausted', attempt);
    }
    this.retries.inc({ dependency: this.name, reason: c.reason });
    recordRetry(this.name, attempt, delayMs, c.reason);
    return { retry: true, delayMs };
  }

  /**
   * Runs `fn` (given the 1-based attempt number) until it succeeds or {@link decide} says stop;
   * then rethrows the last error — or a {@link DeadlineExceededError} (cause: the last error)
   * when the request's deadline leaves no room for the next retry.
   */
  async execute<T>(fn: (attempt: number) => Promise<T>, request?: RetryRequest): Promise<T> {
    this.budget?.recordRequest();
    const progress = this.newProgress();
    const deadlineAt = currentDeadline();
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn(attempt);
      } catch (error) {
        const decision = this.decide({ error, attempt, request, progress, deadlineAt });
        if (!decision.retry) {
          if (decision.reason !== 'deadline' || deadlineAt === undefined) throw error;
          throw new DeadlineExceededError(deadlineAt - this.clock.now(), true, { cause: error });
        }
        await this.clock.sleep(decision.delayMs, request?.signal);
      }
    }
  }

  private giveUp(reason: GiveUpReason, attempt: number): RetryDecision {
    this.gaveUp.inc({ dependency: this.name, reason });
    // An error that is not worth retrying, or a caller that gave up, is no retry decision: only
    // a transient failure left unretried is (why did this outage not get a second try?).
    if (reason !== 'not_transient' && reason !== 'cancelled') {
      recordRetryGaveUp(this.name, attempt, reason);
    }
    return { retry: false, reason };
  }
}
