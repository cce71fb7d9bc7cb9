import { ResiliencePolicy, ResilientHttpClient, type PolicyConfigInput } from '@rc/resilience';
import { Registry } from 'prom-client';
import { callDependency } from './dependency-call';

/** What undici's fetch throws when the socket fails with `code`. */
const networkError = (code: string) =>
  new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });

/** What the fake dependency does with one attempt. */
type Step = 'ok' | 'refused-connection' | 'reset' | 'timeout' | 429 | 500 | 'shed';

/** A transport that plays `steps` in order, one per attempt (the last one repeats). */
function transport(steps: Step[]) {
  let sent = 0;
  const fetchFn: typeof fetch = (_input, init) => {
    const step = steps[Math.min(sent, steps.length - 1)];
    sent++;
    switch (step) {
      case 'ok':
        return Promise.resolve(Response.json({ ok: true }, { status: 201 }));
      case 'refused-connection':
        return Promise.reject(networkError('ECONNREFUSED'));
      case 'reset':
        return Promise.reject(networkError('ECONNRESET'));
      case 'timeout':
        // Never answers: rejects only when the attempt's signal aborts.
        return new Promise((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)),
        );
      case 'shed':
        return Promise.resolve(
          Response.json({ title: 'shedding' }, { status: 503, headers: { 'x-retry': 'no' } }),
        );
      default:
        return Promise.resolve(Response.json({ title: 'no' }, { status: step }));
    }
  };
  return { fetchFn, sent: () => sent };
}

/** One client, as checkout wires one per dependency. */
function clientOn(fetchFn: typeof fetch, config: PolicyConfigInput = {}) {
  const policy = new ResiliencePolicy(
    'inventory',
    {
      attemptTimeoutMs: 50,
      ...config,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, ...config.retry },
    },
    { registry: new Registry() },
  );
  return new ResilientHttpClient({ baseUrl: 'http://inventory.test', policy, fetch: fetchFn });
}

const reserve = {
  method: 'POST',
  path: '/v1/reservations',
  body: {},
  idempotencyKey: 'k',
} as const;

describe('callDependency: what the attempts of one call may have done', () => {
  it('when the dependency answers 2xx, then the response comes back', async () => {
    const { fetchFn } = transport(['ok']);

    const result = await callDependency(clientOn(fetchFn), reserve);

    expect(result).toMatchObject({ ok: true, response: { status: 201, attempt: 1 } });
  });

  it('when every attempt is refused at connect, then nothing can have been applied', async () => {
    const { fetchFn, sent } = transport(['refused-connection']);

    const result = await callDependency(clientOn(fetchFn), reserve);

    expect(sent()).toBe(3);
    expect(result).toMatchObject({ ok: false, maybeApplied: false });
  });

  it('when the dependency turns every attempt away (429, then 503 x-retry: no), then nothing can have been applied', async () => {
    const { fetchFn, sent } = transport([429, 'shed']);

    const result = await callDependency(clientOn(fetchFn), reserve);

    expect(sent()).toBe(2);
    expect(result).toMatchObject({ ok: false, maybeApplied: false, error: { status: 503 } });
  });

  it.each<[string, Step[]]>([
    ['a 500 answer', [500, 'refused-connection']],
    ['a reset connection', ['reset', 'refused-connection']],
    ['an attempt timeout', ['timeout', 'refused-connection']],
  ])(
    'when one attempt ended in %s and the others were never sent, then it may have been applied',
    async (_name, steps) => {
      const { fetchFn } = transport(steps);

      const result = await callDependency(clientOn(fetchFn), reserve);

      expect(result).toMatchObject({ ok: false, maybeApplied: true });
    },
  );

  it('when an attempt timed out and the breaker then refused the retry, then it may have been applied', async () => {
    // Arrange: a breaker that opens on the first failed call
    const { fetchFn, sent } = transport(['timeout']);
    const client = clientOn(fetchFn, {
      breaker: {
        minimumNumberOfCalls: 1,
        failureRateThreshold: 50,
        window: { type: 'count', size: 1 },
      },
    });

    // Act
    const result = await callDependency(client, reserve);

    // Assert
    expect(sent()).toBe(1);
    expect(result).toMatchObject({ ok: false, maybeApplied: true });
  });

  it('when the breaker refuses the call before any attempt is sent, then nothing can have been applied', async () => {
    const { fetchFn, sent } = transport([500]);
    const client = clientOn(fetchFn, {
      breaker: {
        minimumNumberOfCalls: 1,
        failureRateThreshold: 50,
        window: { type: 'count', size: 1 },
      },
      retry: { maxAttempts: 1 },
    });
    await callDependency(client, reserve);

    const result = await callDependency(client, reserve);

    expect(sent()).toBe(1);
    expect(result).toMatchObject({
      ok: false,
      maybeApplied: false,
      error: { code: 'RESILIENCE.CIRCUIT_OPEN' },
    });
  });

  it('when calls share one client concurrently, then each sees only its own attempts', async () => {
    // By path: /a answers 500 (maybe applied), /b is never connected (the client passes a string URL).
    const fetchFn: typeof fetch = (input) =>
      (input as string).endsWith('/a')
        ? Promise.resolve(Response.json({}, { status: 500 }))
        : Promise.reject(networkError('ECONNREFUSED'));
    const client = clientOn(fetchFn);

    const [a, b] = await Promise.all([
      callDependency(client, { ...reserve, path: '/a' }),
      callDependency(client, { ...reserve, path: '/b' }),
    ]);

    expect(a).toMatchObject({ ok: false, maybeApplied: true });
    expect(b).toMatchObject({ ok: false, maybeApplied: false });
  });
});
