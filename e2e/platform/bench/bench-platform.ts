import { DEFAULT_KAFKA_FETCH_MAX_WAIT_MS } from '@rc/platform';
import {
  OtlpReceiver,
  PLATFORM_SERVICES,
  type PlatformService,
  PlatformUnderTest,
  testEnv,
} from '@rc/testing';
import { catalogueSkus, topUpStock } from './checkout-traffic';
import { PLATFORM_CONSUMER_GROUPS, waitForGroupsCaughtUp } from '../test/support/kafka-events';
import { requireInfrastructure } from '../test/support/platform';

type ServiceName = PlatformService['name'];

/** How {@link withBenchPlatform} starts the platform. */
export interface BenchPlatformOptions {
  /** Repository root. */
  root: string;
  /** Ports are portBase + 0–5 (admin APIs + 1000). */
  portBase: number;
  /** Lower tiers at a lower CPU priority (see TIER_NICENESS). */
  tierPriority: boolean;
  /** Parent-based trace sampling ratio of the services (they export to a receiver here). */
  samplingRatio: number;
  /** Extra environment per service, over the load-run defaults (logs at warn, tracing on). */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Units every SKU is topped up to before the run (default 50 000). */
  stockUnits?: number;
  /** Progress lines (stderr). */
  progress: (msg: string) => void;
}

/** What the body of {@link withBenchPlatform} runs against. */
export interface BenchPlatform {
  platform: PlatformUnderTest;
  /** The OTLP/HTTP receiver the services export their spans to. */
  receiver: OtlpReceiver;
  /** SKUs of the catalogue, each with at least `stockUnits` available. */
  skus: string[];
  /** Registers something to close when the run ends or is aborted (e.g. a database pool). */
  onClose: (close: () => Promise<void>) => void;
}

/**
 * Starts the six services for a load run (the checkout benchmark, the soak) and runs `body`
 * against them: infrastructure checked, tracing exported to a real OTLP receiver in this
 * process, logs at warn (per-request info lines would bill log formatting to the figures),
 * stock topped up. Afterwards it lets the shared consumer groups work off the run's backlog
 * (stopping at once would hand it to the next run) and stops the services. On Ctrl-C, kill or
 * a crash it stops them first, then exits: six orphaned services are never left behind.
 */
export async function withBenchPlatform<T>(
  options: BenchPlatformOptions,
  body: (run: BenchPlatform) => Promise<T>,
): Promise<T> {
  const { progress } = options;
  await requireInfrastructure();
  const receiver = new OtlpReceiver({ keepSpans: false });
  const otlpEndpoint = await receiver.start();
  const platform = new PlatformUnderTest({
    root: options.root,
    portBase: options.portBase,
    // Waits (with progress on stderr) while an end-to-end suite holds the platform lock.
    lockWaitMs: 600_000,
    tierPriority: options.tierPriority,
    env: Object.fromEntries(
      PLATFORM_SERVICES.map(({ name }) => [
        name,
        {
          LOG_LEVEL: 'warn',
          OTEL_ENABLED: 'true',
          OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
          OTEL_SAMPLING_RATIO: String(options.samplingRatio),
          // The services' own fetch wait, not the test platforms' 1 s (set for quick stops):
          // the bench measures what a deployment runs, idle fetches included.
          KAFKA_FETCH_MAX_WAIT_MS: String(DEFAULT_KAFKA_FETCH_MAX_WAIT_MS),
          ...options.env?.[name],
        },
      ]),
    ),
  });
  const closers: (() => Promise<void>)[] = [() => receiver.stop()];
  const closeAll = () => Promise.all(closers.map((close) => close().catch(() => undefined)));
  // Once: Ctrl-C reaches this process both from the terminal and through the parent.
  let aborting = false;
  const abort = (why: string, code: number) => {
    if (aborting) return;
    aborting = true;
    progress(`${why}: stopping the services`);
    void platform
      .stop()
      .finally(closeAll)
      .finally(() => process.exit(code));
  };
  const onSignal = (signal: NodeJS.Signals) => abort(signal, 130);
  const onCrash = (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    abort('crashed', 1);
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal).on('uncaughtException', onCrash);
  try {
    const ports = `${options.portBase}-${options.portBase + 5}`;
    progress(`starting the six services on ports ${ports} ...`);
    await platform.start();
    try {
      const inventoryDb = new URL(testEnv().databaseUrl);
      inventoryDb.pathname = '/rc_inventory';
      const units = options.stockUnits ?? 50_000;
      const toppedUp = await topUpStock(inventoryDb.toString(), units);
      progress(`stock: ${toppedUp} SKUs topped up to ${units} available units`);
      const skus = await catalogueSkus(platform.url('inventory'));
      return await body({ platform, receiver, skus, onClose: (close) => closers.push(close) });
    } finally {
      progress('letting the consumers catch up before stopping (their groups are shared)');
      await waitForGroupsCaughtUp(PLATFORM_CONSUMER_GROUPS, {
        timeoutMs: 600_000,
        onProgress: progress,
      }).catch((e: unknown) => progress(`warning: ${e instanceof Error ? e.message : String(e)}`));
      progress('stopping the services');
      await platform.stop();
    }
  } finally {
    await closeAll();
    process
      .removeListener('SIGINT', onSignal)
      .removeListener('SIGTERM', onSignal)
      .removeListener('uncaughtException', onCrash);
  }
}
