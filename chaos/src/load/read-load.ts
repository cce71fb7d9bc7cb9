import { OpenLoopLoad, type Outcome } from './open-loop-load';

/** One stream of the read load: GETs of one path template at one service, open loop. */
export interface ReadTarget {
  /** Name of the stream (the service it drives, in the probes and the journal). */
  service: string;
  /** The service's base URL. */
  origin: string;
  /**
   * Path and query; `{sku}` and `{sku2}` are replaced by SKUs of the catalogue (rotating), `{n}`
   * by the request's number.
   */
  path: string;
  rateRps: number;
}

/**
 * Connections per service: bounds what a flood holds open at a service (and the reconnects when
 * its requests time out) — requests beyond them wait and time out in the generator.
 */
const CONNECTIONS = 128;

/** Services whose routes want a signed-in customer: their reads go as the run's customers. */
const CUSTOMER_FACING = new Set(['cart', 'checkout']);

/** The headers of read `n` of `service`: a customer's token where the route wants one. */
function signedIn(
  service: string,
  customers: readonly { readonly authorization: string }[],
  n: number,
): Record<string, string> {
  const customer = customers[n % Math.max(1, customers.length)];
  return CUSTOMER_FACING.has(service) && customer ? { authorization: customer.authorization } : {};
}

/**
 * Background read traffic on the lower tiers' public endpoints (recommendations, analytics,
 * cart), alongside the checkout load and on its clock: one open-loop stream per target, each
 * request due at its time whatever the others got, so an overloaded service cannot slow the
 * generator down. Outcomes are kept per service for the probes.
 */
export class ReadLoad {
  private readonly loads = new Map<string, OpenLoopLoad>();

  constructor(
    targets: readonly ReadTarget[],
    skus: readonly string[],
    /** The checkout load's epoch: the read load shares its clock and phase windows. */
    epoch: number,
    /** The run's signed-in customers: cart reads go round them, as a crowd of shoppers would. */
    customers: readonly { readonly authorization: string }[] = [],
    timeoutMs = 3_000,
  ) {
    for (const t of targets) {
      const path = (n: number) =>
        t.path
          .replaceAll('{sku}', skus[n % skus.length] ?? '')
          .replaceAll('{sku2}', skus[(n + 1 + Math.floor(n / skus.length)) % skus.length] ?? '')
          .replaceAll('{n}', String(n));
      this.loads.set(
        t.service,
        new OpenLoopLoad({
          origin: t.origin,
          skus,
          customerPrefix: '',
          rateRps: t.rateRps,
          timeoutMs,
          epoch,
          connections: CONNECTIONS,
          request: (n) => ({
            method: 'GET',
            path: path(n),
            headers: signedIn(t.service, customers, n),
          }),
        }),
      );
    }
  }

  /** The services driven. */
  get services(): string[] {
    return [...this.loads.keys()];
  }

  /** Outcomes of one service's stream (empty when it is not driven). */
  outcomes(service: string): readonly Outcome[] {
    return this.loads.get(service)?.outcomes ?? [];
  }

  start(): void {
    for (const load of this.loads.values()) load.start();
  }

  /** Stops sending and waits for what is in flight. */
  async stop(): Promise<void> {
    await Promise.all([...this.loads.values()].map((l) => l.stop()));
  }
}
