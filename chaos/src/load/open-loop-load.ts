import { randomUUID } from 'node:crypto';
import { Agent, request } from 'undici';

/** One checkout of the load: when it was due, when it settled, how it ended. */
export interface Outcome {
  /** Scheduled send time, ms since the load started. */
  at: number;
  /** Latency from the scheduled time (no coordinated omission), ms. */
  ms: number;
  /**
   * `201`, `503 RESILIENCE.LOAD_SHED` (an error with the code of its problem+json body; the bare
   * status when the answer is not problem+json or has no code), `timeout`, `network-error`, … or
   * `pending`.
   */
  status: string;
}

/** One request of a load: what to send (the default is a checkout, see {@link OpenLoopLoad}). */
export interface LoadRequest {
  method: 'GET' | 'POST';
  /** Path and query, from the origin. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Options of {@link OpenLoopLoad}. */
export interface OpenLoopLoadOptions {
  /** Base URL of the service the load drives (checkout by default). */
  origin: string;
  /** SKUs the orders rotate over. */
  skus: readonly string[];
  /** Customer id prefix: every order of the run is found by it. */
  customerPrefix: string;
  /**
   * Signed-in customers (ids under `customerPrefix`) the default checkouts go round, each with
   * its `Authorization` value; without them a checkout is sent anonymously (and refused, 401).
   */
  customers?: readonly { readonly customerId: string; readonly authorization: string }[];
  /** Arrivals per second. */
  rateRps: number;
  /** A request unanswered this long after its scheduled time counts as a timeout. */
  timeoutMs?: number;
  /** Extra headers of every request (e.g. the caller's deadline). */
  headers?: Record<string, string>;
  /**
   * Connections to the origin (default 256); requests beyond them wait in the generator, on
   * their clock, and time out there without reaching the service.
   */
  connections?: number;
  /** The n-th request to send; by default a checkout of one unit by a new customer. */
  request?: (n: number) => LoadRequest;
  /**
   * The `performance.now()` the load's clock counts from (default: when it starts), so a load
   * started later shares another load's clock and its phase windows.
   */
  epoch?: number;
}

/**
 * Open-loop checkout traffic for the whole experiment: request i is due at start + i/rate
 * whatever happened to the others (a frozen or slow platform cannot make the generator send
 * less), and its latency counts from when it was due. Each request is signed in as the next of
 * the run's customers, with its own Idempotency-Key, one unit of one SKU, paid with the always-approved test token. The rate
 * can change while it runs (the thundering-herd experiment triples it).
 */
export class OpenLoopLoad {
  readonly outcomes: Outcome[] = [];
  private readonly agent: Agent;
  private readonly inFlight = new Set<Promise<void>>();
  private started = 0;
  /** Wall-clock time (ms since the epoch) the load started: maps its clock to span times. */
  startedWallMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private rate: number;
  private sent = 0;
  private nextDue = 0;
  private running = false;

  constructor(private readonly options: OpenLoopLoadOptions) {
    this.rate = options.rateRps;
    this.agent = new Agent({
      connections: options.connections ?? 256,
      pipelining: 1,
      keepAliveTimeout: 10_000,
    });
  }

  /** Milliseconds since the load started. */
  now(): number {
    return performance.now() - this.started;
  }

  /** Requests sent but not settled. */
  get pending(): number {
    return this.inFlight.size;
  }

  /** The arrival rate in force. */
  get rateRps(): number {
    return this.rate;
  }

  /** The `performance.now()` its clock counts from (see {@link OpenLoopLoadOptions.epoch}). */
  get epoch(): number {
    return this.started;
  }

  /** Starts sending. */
  start(): void {
    this.started = this.options.epoch ?? performance.now();
    this.startedWallMs = Date.now() - (performance.now() - this.started);
    this.nextDue = this.now();
    this.running = true;
    this.tick();
  }

  /** Changes the arrival rate from now on. */
  setRate(rateRps: number): void {
    this.rate = rateRps;
  }

  /** Stops sending and waits for what is in flight. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await Promise.all([...this.inFlight]);
    await this.agent.close().catch(() => undefined);
  }

  private tick = (): void => {
    if (!this.running) return;
    const now = this.now();
    while (this.nextDue <= now) {
      this.fire(this.nextDue);
      this.nextDue += 1000 / this.rate;
    }
    this.timer = setTimeout(this.tick, Math.max(0, this.nextDue - this.now()));
  };

  private fire(at: number): void {
    const n = this.sent++;
    const req = (this.options.request ?? this.checkout)(n);
    const timeoutMs = this.options.timeoutMs ?? 5_000;
    const lag = this.now() - at;
    // Recorded now as pending, so a window judged while requests hang counts them.
    const outcome: Outcome = { at, ms: 0, status: 'pending' };
    this.outcomes.push(outcome);
    const done = request(`${this.options.origin}${req.path}`, {
      dispatcher: this.agent,
      method: req.method,
      headers: { ...req.headers, ...this.options.headers },
      body: req.body,
      signal: AbortSignal.timeout(Math.max(1, Math.round(timeoutMs - lag))),
    })
      .then(async (res) => {
        if (res.statusCode < 300) {
          await res.body.dump();
          return String(res.statusCode);
        }
        // The code is read from a problem+json answer only: a bare error stays a bare status.
        const problem = String(res.headers['content-type'] ?? '').startsWith(
          'application/problem+json',
        );
        const body = await res.body.text();
        return `${res.statusCode} ${problem ? problemCode(body) : ''}`.trim();
      })
      .catch((e: unknown) => {
        const name = (e as { name?: string } | null)?.name;
        return name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network-error';
      })
      .then((status) => {
        outcome.ms = this.now() - at;
        outcome.status = status;
      })
      .finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }

  private checkout = (n: number): LoadRequest => {
    const { skus, customers } = this.options;
    const customer = customers?.length ? customers[n % customers.length] : undefined;
    return {
      method: 'POST',
      path: '/v1/checkout',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
        ...(customer ? { authorization: customer.authorization } : {}),
      },
      body: JSON.stringify({
        items: [{ sku: skus[n % skus.length]!, quantity: 1 }],
        payment: { token: 'tok_visa' },
      }),
    };
  };
}

function problemCode(body: string): string {
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code;
    return typeof code === 'string' ? code : '';
  } catch {
    return '';
  }
}
