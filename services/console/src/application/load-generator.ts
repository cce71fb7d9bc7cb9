import { randomUUID } from 'node:crypto';
import { AppError } from '@rc/platform';
import type { LoadStatus } from '../domain/control-room.types';
import type { CustomerDirectory } from '../domain/customer-directory';

/** A rate above the configured ceiling (or not a positive number): 422. */
export class LoadRateRefusedError extends AppError {
  readonly code = 'CONSOLE.LOAD_RATE_REFUSED';
  readonly httpStatus = 422;
  constructor(rate: unknown, max: number) {
    super(`A rate of ${String(rate)} checkouts/s is refused: choose 1 to ${max}.`, {
      meta: { maxRatePerSecond: max },
    });
  }
}

/** Options of {@link LoadGenerator}. */
export interface LoadGeneratorOptions {
  checkoutUrl: string;
  maxRatePerSecond: number;
  maxDurationMs: number;
  maxInFlight: number;
  skus: readonly string[];
  /** The customers whose tokens the checkouts carry, in turn. */
  customers: Pick<CustomerDirectory, 'nextCustomer' | 'requireCustomers'>;
  /** Sends one checkout as the customer of `token` and resolves with its status (injectable for tests). */
  send?: (body: unknown, idempotencyKey: string, token: string) => Promise<number>;
  now?: () => number;
}

/** The class of a checkout's answer, as the load control counts it. */
function classOf(status: number): string {
  if (status >= 200 && status < 300) return '2xx';
  if (status === 402 || status === 503 || status === 429) return String(status);
  return 'other';
}

/**
 * Open-loop checkout traffic at a chosen rate: requests are sent on schedule whether or not
 * earlier ones answered (so overload shows as latency and shedding, not as a slower client),
 * bounded by a rate ceiling, an in-flight cap and a maximum duration. Each checkout is one of the
 * console's customers in turn, with that customer's bearer token.
 */
export class LoadGenerator {
  private timer: NodeJS.Timeout | undefined;
  private stopTimer: NodeJS.Timeout | undefined;
  private rate = 0;
  private skus: readonly string[] = [];
  private startedAt: number | null = null;
  private sent = 0;
  private inFlight = 0;
  private outcomes: Record<string, number> = {};
  private readonly now: () => number;
  private readonly send: (body: unknown, idempotencyKey: string, token: string) => Promise<number>;

  constructor(private readonly options: LoadGeneratorOptions) {
    this.now = options.now ?? Date.now;
    this.send =
      options.send ??
      (async (body, key, token) => {
        const res = await fetch(`${options.checkoutUrl}/v1/checkout`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': key,
            authorization: `Bearer ${token}`,
          },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
        await res.arrayBuffer();
        return res.status;
      });
  }

  /**
   * Starts (or changes the rate of) the run, ordering `skus` in turn (default: the configured ones).
   * @throws LoadRateRefusedError above the ceiling, NoCustomerCredentialsError without customers
   */
  start(ratePerSecond: unknown, skus: readonly string[] = this.options.skus): LoadStatus {
    const rate = this.checkRate(ratePerSecond);
    this.options.customers.requireCustomers();
    this.stop();
    this.skus = skus.length > 0 ? skus : this.options.skus;
    this.rate = rate;
    this.startedAt = this.now();
    this.sent = 0;
    this.outcomes = {};
    // A 50 ms tick sends what is due since the start: the schedule does not drift with load.
    this.timer = setInterval(() => this.tick(), 50);
    this.stopTimer = setTimeout(() => this.stop(), this.options.maxDurationMs);
    this.tick();
    return this.status();
  }

  /** The rate if it is a number in 1..ceiling. @throws LoadRateRefusedError otherwise */
  checkRate(ratePerSecond: unknown): number {
    const max = this.options.maxRatePerSecond;
    if (
      typeof ratePerSecond !== 'number' ||
      !Number.isFinite(ratePerSecond) ||
      ratePerSecond <= 0 ||
      ratePerSecond > max
    ) {
      throw new LoadRateRefusedError(ratePerSecond, max);
    }
    return ratePerSecond;
  }

  /** Stops sending; checkouts in flight finish on their own. */
  stop(): LoadStatus {
    clearInterval(this.timer);
    clearTimeout(this.stopTimer);
    this.timer = undefined;
    this.stopTimer = undefined;
    return this.status();
  }

  /** The run's state and outcomes so far. */
  status(): LoadStatus {
    return {
      running: this.timer !== undefined,
      ratePerSecond: this.timer ? this.rate : 0,
      maxRatePerSecond: this.options.maxRatePerSecond,
      startedAt: this.timer ? this.startedAt : null,
      outcomes: { ...this.outcomes },
    };
  }

  private tick(): void {
    if (this.startedAt === null) return;
    const due = Math.floor(((this.now() - this.startedAt) / 1000) * this.rate) + 1;
    while (this.sent < due) {
      this.sent++;
      if (this.inFlight >= this.options.maxInFlight) {
        this.count('dropped');
        continue;
      }
      this.fire();
    }
  }

  private fire(): void {
    const skus = this.skus;
    const customer = this.options.customers.nextCustomer();
    const body = {
      customerId: customer.customerId,
      items: [{ sku: skus[this.sent % skus.length], quantity: 1 }],
      payment: { token: 'tok_visa' },
    };
    this.inFlight++;
    this.send(body, `console-load-${randomUUID()}`, customer.token)
      .then(
        (status) => this.count(classOf(status)),
        () => this.count('failed'),
      )
      .finally(() => this.inFlight--);
  }

  private count(outcome: string): void {
    this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
  }
}
