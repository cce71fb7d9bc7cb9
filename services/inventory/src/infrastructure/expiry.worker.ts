import type { MessagingLogger } from '@rc/messaging';
import { BackgroundLoop } from '@rc/platform';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ExpireReservations, ExpiryResult } from '../application/expire-reservations.command';
import { ORDER_OUTCOMES } from '../domain/order-status.port';

/** Totals of one sweep (every batch of it). */
export type SweepResult = Omit<ExpiryResult, 'answers'>;

/** Options of {@link ExpiryWorker}. */
export interface ExpiryWorkerOptions {
  /** Pause between sweeps, ms. */
  intervalMs: number;
  /** Due reservations claimed (and asked about) per batch. */
  batchSize: number;
  /** Counts RESERVED holds past their expiry, for the held-past-TTL gauge after each sweep. */
  heldPastExpiry?: () => Promise<number>;
  registry?: Registry;
  logger?: MessagingLogger;
}

/**
 * Runs {@link ExpireReservations} every `intervalMs`: each sweep claims and settles every due
 * reservation, one batch at a time, then sleeps. Every replica runs one; they share the work
 * through their claims (`FOR UPDATE SKIP LOCKED`). A failed sweep (database down) is logged
 * and counted, and the next one tries again: expiry is delayed, never lost, since the rows stay
 * due. Holds kept because checkout could not say what became of their order are a gauge.
 */
export class ExpiryWorker {
  private readonly loop: BackgroundLoop;
  private stopped = false;
  private readonly expired: Counter;
  private readonly failures: Counter;
  private readonly committed: Counter;
  private readonly answers: Counter<'answer'>;
  private readonly heldPastTtl: Gauge;

  constructor(
    private readonly expire: ExpireReservations,
    private readonly options: ExpiryWorkerOptions,
  ) {
    const registers = options.registry ? [options.registry] : [];
    this.expired = new Counter({
      name: 'inventory_reservations_expired_total',
      help: 'Reservations whose hold ran out and whose units were given back (order failed or unknown at checkout).',
      registers,
    });
    this.committed = new Counter({
      name: 'inventory_reservations_committed_on_expiry_total',
      help: 'Reservations past their TTL committed because checkout says the order is CONFIRMED (OrderPlaced was late).',
      registers,
    });
    this.answers = new Counter({
      name: 'inventory_expiry_order_checks_total',
      help: "Checkout's answers about the orders of holds past their TTL, by answer.",
      labelNames: ['answer'],
      registers,
    });
    for (const answer of ORDER_OUTCOMES) this.answers.inc({ answer }, 0);
    this.heldPastTtl = new Gauge({
      name: 'inventory_reservations_held_past_ttl',
      help: 'RESERVED holds past their expiry, kept because their order is still in progress or checkout could not answer (re-asked later).',
      registers,
    });
    this.failures = new Counter({
      name: 'inventory_expiry_sweep_failures_total',
      help: 'Expiry sweeps that failed (retried on the next interval).',
      registers,
    });
    this.loop = new BackgroundLoop({
      name: 'expiry',
      intervalMs: options.intervalMs,
      run: async () => {
        const { claimed, ...done } = await this.sweep();
        if (claimed > 0) options.logger?.('info', 'reservations past their TTL settled', done);
      },
      onError: (e) => {
        this.failures.inc();
        options.logger?.('warn', 'expiry sweep failed', { err: String(e) });
      },
    });
  }

  /** Starts sweeping (the first sweep runs after one interval). */
  start(): void {
    this.stopped = false;
    this.loop.start();
  }

  /** Settles every due reservation now; returns what was done. */
  async sweep(): Promise<SweepResult> {
    const total: SweepResult = { claimed: 0, expired: 0, committed: 0, held: 0, skipped: 0 };
    for (;;) {
      const { answers, ...batch } = await this.expire.execute(this.options.batchSize);
      for (const key of Object.keys(total) as (keyof SweepResult)[]) total[key] += batch[key];
      this.expired.inc(batch.expired);
      this.committed.inc(batch.committed);
      for (const [answer, n] of Object.entries(answers)) this.answers.inc({ answer }, n);
      if (batch.claimed < this.options.batchSize || this.stopped) break;
    }
    if (this.options.heldPastExpiry) this.heldPastTtl.set(await this.options.heldPastExpiry());
    return total;
  }

  /** Stops scheduling and waits for a sweep in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop.stop();
  }
}
