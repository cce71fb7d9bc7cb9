import CircuitBreakerOpossum from 'opossum';
import {
  bulkhead,
  circuitBreaker,
  ExponentialBackoff,
  handleAll,
  retry,
  SamplingBreaker,
  timeout,
  TimeoutStrategy,
  wrap,
} from 'cockatiel';
import { Registry } from 'prom-client';
import { runWithDeadline } from '../src/deadline';
import { type HttpAttemptResult, ResilientHttpClient } from '../src/http-client';
import { type AttemptContext, ResiliencePolicy } from '../src/policy';

/** One way of calling the same trivial async operation. */
export interface Variant {
  key: string;
  label: string;
  call: () => Promise<unknown>;
  dispose?: () => void;
  /** Runs the measuring loop inside this wrapper (e.g. an ambient request deadline). */
  around?: <T>(fn: () => Promise<T>) => Promise<T>;
}

/** The protected operation: resolves at once, so only the wrapping is measured. */
const operation = async (): Promise<number> => 1;

/**
 * A transport that answers every request at once with a small JSON body: the part of a fetch
 * `Response` the client reads, so the client's own work is measured, not undici's body streams.
 */
const answerHeaders = new Headers({ 'content-type': 'application/json' });
const answer = (): Promise<Response> =>
  Promise.resolve({
    ok: true,
    status: 200,
    headers: answerHeaders,
    text: () => Promise.resolve('{"ok":true}'),
  } as Response);

/** What a caller records per attempt (checkout: whether the attempt may have been applied). */
function attemptObservers() {
  const seen: (Response | undefined)[] = [];
  return {
    seen,
    onAttempt: (attempt: number) => {
      seen[attempt - 1] = undefined;
    },
    onAttemptResult: (result: HttpAttemptResult) => {
      seen[result.attempt - 1] = result.response;
    },
  };
}

/**
 * The HTTP client on a stub transport, so the client's own cost per call is measured: one
 * client per dependency; the same with per-request attempt observers; and a client built per
 * call that observes its attempts through a wrapping transport.
 */
function httpVariants(): Variant[] {
  const policy = new ResiliencePolicy('bench-http', {}, { registry: new Registry() });
  const http = new ResilientHttpClient({ baseUrl: 'http://bench.test', policy, fetch: answer });
  const request = { path: '/v1/items/1', urlTemplate: '/v1/items/:id' } as const;
  return [
    {
      key: 'httpClient',
      label: 'ResilientHttpClient GET, one client per dependency (stub transport)',
      call: () => http.request(request),
    },
    {
      key: 'httpClientObserved',
      label: '  same, with per-request attempt observers',
      call: () => {
        const { onAttempt, onAttemptResult } = attemptObservers();
        return http.request({ ...request, onAttempt, onAttemptResult });
      },
    },
    {
      key: 'httpClientPerCall',
      label: '  a client built per call, observing through a wrapping transport',
      call: () => {
        const { onAttempt, onAttemptResult } = attemptObservers();
        let attempts = 0;
        const observed: typeof fetch = async () => {
          const attempt = ++attempts;
          onAttempt(attempt);
          const response = await answer();
          onAttemptResult({ attempt, response });
          return response;
        };
        const client = new ResilientHttpClient({
          baseUrl: 'http://bench.test',
          policy,
          fetch: observed,
        });
        return client.request(request);
      },
    },
  ];
}

/**
 * The policy variants, configured alike where they overlap: retry up to 2 more attempts, a breaker
 * at 50% failures over 10 s, 25 concurrent + 25 queued, a 1 s timeout that really aborts.
 */
export function variants(): Variant[] {
  const policy = new ResiliencePolicy('bench', {}, { registry: new Registry() });
  const policyOp = (): Promise<number> => operation();
  // Like fetch: reads the attempt's signal, which makes the policy create its AbortController.
  const signalOp = (attempt: AttemptContext): Promise<number> =>
    attempt.signal.aborted ? operation() : operation();
  const cockatiel = wrap(
    retry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff() }),
    circuitBreaker(handleAll, {
      halfOpenAfter: 5_000,
      breaker: new SamplingBreaker({ threshold: 0.5, duration: 10_000, minimumRps: 5 }),
    }),
    bulkhead(25, 25),
    timeout(1_000, TimeoutStrategy.Aggressive),
  );
  const opossum = new CircuitBreakerOpossum(operation, {
    timeout: 1_000,
    errorThresholdPercentage: 50,
    resetTimeout: 5_000,
    rollingCountTimeout: 10_000,
    capacity: 25,
  });
  return [
    { key: 'bare', label: 'bare async call', call: operation },
    {
      key: 'pipeline',
      label: '@rc/resilience policy (deadline→retry→breaker→bulkhead→timeout)',
      call: () => policy.execute(policyOp),
    },
    {
      key: 'pipelineWithSignal',
      label: '@rc/resilience policy, operation reads its AbortSignal',
      call: () => policy.execute(signalOp),
    },
    {
      key: 'pipelineWithDeadline',
      label: '@rc/resilience policy inside a request deadline (AsyncLocalStorage)',
      call: () => policy.execute(policyOp),
      around: (fn) => runWithDeadline(Date.now() + 3_600_000, fn),
    },
    {
      key: 'cockatiel',
      label: 'cockatiel wrap(retry, breaker, bulkhead, timeout)',
      call: () => cockatiel.execute(operation),
    },
    {
      key: 'opossum',
      label: 'opossum breaker (timeout + capacity)',
      call: () => opossum.fire(),
      dispose: () => opossum.shutdown(),
    },
    ...httpVariants(),
  ];
}

async function loop(call: () => Promise<unknown>, n: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await call();
  return Number(process.hrtime.bigint() - start) / n;
}

/** Median of the values. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * Nanoseconds per sequential awaited call for each variant: warm-up, then `rounds` rounds in
 * which every variant runs `callsPerRound` calls (interleaved, so drift hits all alike); the
 * median round is reported.
 */
export async function measureSuccessPath(
  rounds: number,
  callsPerRound: number,
  progress: (line: string) => void,
): Promise<Record<string, { label: string; nsPerCall: number }>> {
  const all = variants();
  const samples = new Map<string, number[]>(all.map((v) => [v.key, []]));
  const run = (v: Variant, n: number) =>
    v.around ? v.around(() => loop(v.call, n)) : loop(v.call, n);
  for (const v of all) await run(v, callsPerRound);
  for (let round = 1; round <= rounds; round++) {
    for (const v of all) samples.get(v.key)?.push(await run(v, callsPerRound));
    progress(`success path: round ${round}/${rounds} done`);
  }
  for (const v of all) v.dispose?.();
  return Object.fromEntries(
    all.map((v) => [v.key, { label: v.label, nsPerCall: median(samples.get(v.key) ?? []) }]),
  );
}
