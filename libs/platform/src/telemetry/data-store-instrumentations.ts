import Module from 'node:module';
import { context, trace, type TracerProvider } from '@opentelemetry/api';
import {
  isWrapped,
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
 *
 * `requireParentSpan` alone skips only a call made with no span at all: a request that was not
 * sampled still has its (non-recording) span, and its every query would go the whole
 * instrumented way for nothing. {@link instrumentDataStores} puts a fast path in front of the
 * instrumented methods for that case.
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
 * `Client.connect`, `Pool.connect`, `Pool.end`, `Redis.sendCommand`, `Redis.connect`), so
 * applying each module definition's patch to the module object already in the require cache
 * instruments every client, whenever created. Patching twice is harmless: each patch unwraps a
 * wrapped method first. The `require` hook that constructing the instrumentations installs is
 * taken away again ({@link withoutRequireHook}): it would cost every later `require()` call.
 *
 * Only a call made inside a recording (sampled) span goes through the instrumentation: see
 * {@link FAST_PATHS}. The others — no span, or the span of a request that was not sampled (9 in
 * 10 at a 10 % sampling ratio) — call the original pg / ioredis method directly: no attributes,
 * no `startSpan` (which would only hand back a non-recording span), no wrapped callbacks, no
 * duration metric.
 */
export function instrumentDataStores(tracerProvider: TracerProvider): () => void {
  const { instrumentations, unregister } = withoutRequireHook(() => {
    const created = dataStoreInstrumentations();
    return {
      instrumentations: created,
      unregister: registerInstrumentations({ instrumentations: created, tracerProvider }),
    };
  });
  const patched = instrumentations.flatMap((instrumentation) =>
    instrumentation.getModuleDefinitions().flatMap((definition) => patchLoaded(definition) ?? []),
  );
  const fastPaths = FAST_PATHS.flatMap((path) => installFastPath(path) ?? []);
  return () => {
    // Disabling an instrumentation unpatches only the module objects a require hook handed it,
    // and none did (see withoutRequireHook): getModuleDefinitions() hands out fresh definitions
    // the instrumentation does not keep, so a module whose fast path is still in place is
    // unpatched here.
    unregister();
    for (const { definition, loaded } of patched) {
      const stillPatched = fastPaths.some((p) => p.module === definition.name && p.installed());
      if (stillPatched) definition.unpatch?.(loaded, definition.moduleVersion);
    }
    for (const fastPath of fastPaths) fastPath.remove();
  };
}

/**
 * Runs `register` (constructing and registering instrumentations) and then takes away the
 * `require` hook it installed.
 *
 * Constructing any OpenTelemetry instrumentation creates the process's require-in-the-middle
 * hook: from then on every `require()` call in the process — not only the first load of a
 * module — resolves the request to a file name and looks it up in the hook's tables before the
 * real `require` runs. kafkajs requires its protocol modules at each request it encodes (every
 * fetch, produce, heartbeat and offset commit), so the hook cost every service CPU on each
 * Kafka request, under load and at rest. It has nothing to do here: the modules it would patch
 * on load are already loaded and patched in place ({@link patchLoaded}). The hook cannot be
 * removed through the instrumentation package (it keeps no handle on it), so the two functions
 * it replaces (`Module.prototype.require`, `process.getBuiltinModule`) are put back as they
 * were.
 */
function withoutRequireHook<T>(register: () => T): T {
  const replaced = [
    [Module.prototype, 'require'],
    [process, 'getBuiltinModule'],
  ] as const;
  const saved = replaced.map(([owner, key]) => Object.getOwnPropertyDescriptor(owner, key));
  try {
    return register();
  } finally {
    replaced.forEach(([owner, key], i) => {
      const descriptor = saved[i];
      // An inherited function (not an own property before) is inherited again.
      if (descriptor) Object.defineProperty(owner, key, descriptor);
      else Reflect.deleteProperty(owner, key);
    });
  }
}

function patchLoaded(
  definition: InstrumentationModuleDefinition,
): { definition: InstrumentationModuleDefinition; loaded: unknown } | undefined {
  const loaded = loadedModule(definition.name);
  if (loaded === undefined || !definition.patch) return undefined;
  definition.moduleExports = loaded;
  definition.patch(loaded, definition.moduleVersion);
  return { definition, loaded };
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

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** An instrumented method that only a call inside a recording span goes through. */
interface FastPath {
  module: string;
  /** The class whose prototype holds the method: this export of the module, or the module. */
  className?: string;
  method: string;
  /**
   * Whether an untraced call has its trailing callback bound to the caller's context (what the
   * instrumentation does for any caller with a span), for callbacks run from another request's
   * context.
   */
  bindCallback: boolean;
}

/**
 * The instrumented methods that get a fast path:
 * - pg `Client.query` and ioredis `Redis.sendCommand`, every query and command: the original,
 *   as is;
 * - pg-pool `Pool.connect`: the original, with its callback bound to the caller's context. A
 *   caller that waits for a connection has its callback run by whoever releases one, in that
 *   request's context; pg-pool's own `pool.query()` uses the callback form, and its query would
 *   otherwise run — and, behind a sampled request, be traced — in the releaser's trace. (The
 *   promise form needs nothing: a promise's reactions keep their own context.) Unlike the
 *   instrumentation, this binds for a caller with no span too: a background poll's query waiting
 *   behind a sampled request stays out of that request's trace;
 * - pg `Client.connect` (a new connection, which the pool opens inside `Pool.connect`): the
 *   same, for the same reason.
 * ioredis `Redis.connect` (once per client, and on reconnects) and pg-pool `Pool.end` stay as
 * the instrumentation left them.
 */
const FAST_PATHS: readonly FastPath[] = [
  { module: 'pg', className: 'Client', method: 'query', bindCallback: false },
  { module: 'pg', className: 'Client', method: 'connect', bindCallback: true },
  { module: 'pg-pool', method: 'connect', bindCallback: true },
  { module: 'ioredis', method: 'sendCommand', bindCallback: false },
];

/** True when the active context's span is recording (sampled): only then is a call traced. */
function tracing(): boolean {
  return trace.getActiveSpan()?.isRecording() === true;
}

/**
 * Puts a dispatcher over the instrumentation's wrapper of `path.method`: inside a recording span
 * it calls the wrapper, otherwise the original method (which shimmer keeps as the wrapper's
 * `__original`). The dispatcher carries the same shimmer marks as the wrapper it stands in for,
 * with the original as `__original`, so the instrumentation's own unpatch (or a repatch, which
 * unwraps first) puts the original back in one step. Clients keep a bound reference to the
 * dispatcher (the pool's prepared-statement and query-count wrappers bind `client.query` on
 * connect), so once `remove()`d it calls whatever the prototype holds: the original after
 * unregistering (those clients stop tracing too), a new dispatcher after registering again.
 * Undefined when the module is not loaded or the instrumentation did not wrap the method.
 */
function installFastPath(
  path: FastPath,
): { module: string; installed: () => boolean; remove: () => void } | undefined {
  const loaded = loadedModule(path.module) as Record<string, unknown> | undefined;
  const owner = path.className === undefined ? loaded : loaded?.[path.className];
  const target = (owner as { prototype?: Record<string, unknown> } | undefined)?.prototype;
  const instrumented = target?.[path.method];
  if (!target || !isWrapped(instrumented)) return undefined;
  const original = (instrumented as unknown as { __original: Method }).__original;
  const traced = instrumented as unknown as Method;
  let active = true;
  // Once removed: whatever the prototype holds now (the original, or a later registration's
  // dispatcher), never this dispatcher itself.
  const current = (): Method => {
    const now = target[path.method] as Method;
    return now === dispatch ? original : now;
  };
  const dispatch: Method = path.bindCallback
    ? function (this: unknown, ...args: unknown[]): unknown {
        if (!active) return current().apply(this, args);
        if (tracing()) return traced.apply(this, args);
        const last = args.length - 1;
        if (typeof args[last] === 'function') {
          args[last] = context.bind(context.active(), args[last] as Method);
        }
        return original.apply(this, args);
      }
    : function (this: unknown, ...args: unknown[]): unknown {
        if (!active) return current().apply(this, args);
        return tracing() ? traced.apply(this, args) : original.apply(this, args);
      };
  const restore = (): void => {
    if (target[path.method] === dispatch) setMethod(target, path.method, original);
  };
  for (const [mark, value] of [
    ['__original', original],
    ['__unwrap', restore],
    ['__wrapped', true],
  ] as const) {
    Object.defineProperty(dispatch, mark, { value, configurable: true, writable: true });
  }
  setMethod(target, path.method, dispatch);
  return {
    module: path.module,
    installed: () => target[path.method] === dispatch,
    remove: () => {
      active = false;
      restore();
    },
  };
}

/** Replaces a method keeping its property's enumerability, as shimmer does. */
function setMethod(target: Record<string, unknown>, name: string, value: unknown): void {
  Object.defineProperty(target, name, {
    configurable: true,
    enumerable: Object.prototype.propertyIsEnumerable.call(target, name),
    writable: true,
    value,
  });
}
