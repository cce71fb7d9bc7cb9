import type { TracerProvider } from '@opentelemetry/api';
import {
  registerInstrumentations,
  type InstrumentationBase,
  type InstrumentationModuleDefinition,
} from '@opentelemetry/instrumentation';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';

/**
 * The pg and ioredis instrumentations, configured for this platform:
 * - `requireParentSpan`: a query made outside any span (the outbox relay polling every few
 *   hundred ms, the recovery worker's idle passes, health probes) makes no root trace of its own;
 * - pg: `enhancedDatabaseReporting` off, so `db.statement` carries the parameterised SQL but never
 *   the bound values (ids, amounts, tokens);
 * - ioredis: the statement is the command name alone — Redis keys hold cart and client ids and
 *   values hold cart contents, neither of which belongs in a span.
 *
 * pg's `pg-pool.connect` spans are kept (about a fifth of a checkout's spans): with
 * `ignoreConnectSpans` the instrumentation also stops binding the pool's connect callback to the
 * caller's context, and a query that waited for a connection would then land in the trace of
 * the request that released it.
 */
export function dataStoreInstrumentations(): InstrumentationBase[] {
  return [
    new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
    new IORedisInstrumentation({
      requireParentSpan: true,
      dbStatementSerializer: (command) => command,
    }),
  ];
}

/**
 * Registers {@link dataStoreInstrumentations} with `tracerProvider` and returns the function that
 * removes them again (restoring the original pg / ioredis methods).
 *
 * Instrumentations normally patch a module when it is `require`d, but `pg`, `pg-pool` and
 * `ioredis` are already loaded by the time a service starts its telemetry (the platform's own
 * connection factories import them). Both instrumentations patch prototypes (`Client.query`,
 * `Pool.connect`, `Redis.sendCommand`), so applying each module definition's patch to the
 * module object already in the require cache instruments every client, whenever created.
 * Patching twice is harmless: each patch unwraps a wrapped method first.
 */
export function instrumentDataStores(tracerProvider: TracerProvider): () => void {
  const instrumentations = dataStoreInstrumentations();
  const unregister = registerInstrumentations({ instrumentations, tracerProvider });
  for (const instrumentation of instrumentations) {
    for (const definition of instrumentation.getModuleDefinitions()) patchLoaded(definition);
  }
  return unregister;
}

function patchLoaded(definition: InstrumentationModuleDefinition): void {
  const loaded = loadedModule(definition.name);
  if (loaded === undefined || !definition.patch) return;
  // Remembered so that disabling the instrumentation unpatches this very module object.
  definition.moduleExports = loaded;
  definition.patch(loaded, definition.moduleVersion);
}

/** The module as the process's (or the test runner's) module registry has it, if installed. */
function loadedModule(name: string): unknown {
  try {
    // A plain `require`, not `createRequire`: it must return the very module object the
    // service uses (under Jest, the test file's module registry), or the patch would miss it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(name) as unknown;
  } catch {
    return undefined;
  }
}
