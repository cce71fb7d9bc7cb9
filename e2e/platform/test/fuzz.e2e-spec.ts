import fc from 'fast-check';
import { CustomerTokenIssuer } from '@rc/platform';
import { createRedisFixture, type RedisFixture, testServiceKeyPair } from '@rc/testing';
import { badBodies } from './support/fuzz-bodies';
import { type FuzzRequest, oddHeaders, oddQuery, oddSegment } from './support/fuzz-inputs';
import { type CountedDb, httpViolation, rowCounts, send } from './support/fuzz-oracle';
import { E2EPlatform, START_TIMEOUT_MS } from './support/platform';

// Property-based fuzzing of every public endpoint of the six services (admin, metrics and
// health excluded): hostile paths, queries, headers and bodies. Invariants: never a 5xx; every
// 4xx is problem+json; a rejected mutating request writes nothing (row counts of the main tables,
// the cart's Redis hash). FUZZ_RUNS sets the inputs per endpoint, FUZZ_SEED replays a run.
const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
const SEED = process.env.FUZZ_SEED
  ? Number(process.env.FUZZ_SEED)
  : Date.now() ^ (Math.random() * 0x1_0000_0000);

type Service = 'checkout' | 'cart' | 'payment' | 'inventory' | 'recommendations' | 'analytics';

interface Endpoint {
  service: Service;
  method: 'GET' | 'POST' | 'DELETE';
  route: string;
  path: fc.Arbitrary<string>;
  /** A valid body: the fuzzed bodies are single-fault variants of it, all to be refused. */
  body?: { template: Parameters<typeof badBodies>[0]; strict: boolean };
  /** Well-formed bodies the endpoint must still refuse, for what they name (unknown SKUs). */
  refusedBodies?: fc.Arbitrary<Buffer>;
  /** Mutating without a body schema: junk bodies are sent, and may be ignored. */
  junkBody?: boolean;
  writes: CountedDb[];
}

/**
 * Who a request to a route for platform services only (payment's, inventory's reservations)
 * claims to be: mostly checkout with a valid service token, so most inputs reach validation,
 * sometimes no token, a garbage one, or a token for the other service (all 401). On a route for
 * customers, the same draw means: the customer `fuzz` signed in, no token, garbage, or a token
 * signed by an untrusted key.
 */
const serviceCaller = fc.constantFrom(
  'checkout',
  'checkout',
  'checkout',
  'none',
  'garbage',
  'other',
);
const SERVICE_ONLY = /^\/v1\/(payments|reservations)/;
/** Routes for signed-in customers: the caller is the customer `fuzz` (or a bad credential). */
const CUSTOMER_ONLY = /^\/v1\/(checkout|carts|orders)/;
const FUZZ_CUSTOMER = 'fuzz';

const uuidSeg = fc.oneof(oddSegment, fc.uuid());
const skuSeg = fc.oneof(oddSegment, fc.constantFrom('FUZZ-1', 'a', 'A'.repeat(64)));
const cartSeg = fc.oneof(
  oddSegment,
  fc.uuid().map((u) => `fuzz-${u.slice(0, 8)}`),
);
const line = { sku: 'FUZZ-1', quantity: 1 };
const uuid = '3f0c7a4e-9a51-4d0e-8b3a-6f2d1c9e8a70';

const ENDPOINTS: Endpoint[] = [
  {
    service: 'checkout',
    method: 'POST',
    route: '/v1/checkout',
    path: fc.constant('/v1/checkout'),
    body: {
      template: { customerId: 'fuzz', items: [line], payment: { token: 'tok_visa' } },
      strict: false,
    },
    writes: ['checkout', 'inventory', 'payment'],
  },
  {
    service: 'checkout',
    method: 'POST',
    route: '/v1/checkout (well-formed, unknown SKUs)',
    path: fc.constant('/v1/checkout'),
    refusedBodies: fc
      .record(
        {
          customerId: fc.constant(FUZZ_CUSTOMER),
          cartId: fc.uuid().map((u) => `fuzz-${u}`),
          items: fc.uniqueArray(
            fc.record({
              sku: fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/).map((s) => `NOSUCH-${s}`),
              quantity: fc.integer({ min: 1, max: 10_000 }),
            }),
            { minLength: 1, maxLength: 50, selector: (i) => i.sku },
          ),
          payment: fc.record({
            token: fc.string({ unit: 'binary', minLength: 1, maxLength: 512 }),
          }),
        },
        { requiredKeys: ['items', 'payment'] },
      )
      .map((body) => Buffer.from(JSON.stringify(body), 'utf8')),
    writes: ['checkout', 'inventory', 'payment'],
  },
  {
    service: 'checkout',
    method: 'GET',
    route: '/v1/orders/:orderId',
    path: uuidSeg.map((s) => `/v1/orders/${s}`),
    writes: [],
  },
  {
    service: 'cart',
    method: 'GET',
    route: '/v1/carts/:cartId',
    path: cartSeg.map((s) => `/v1/carts/${s}`),
    writes: [],
  },
  {
    service: 'cart',
    method: 'POST',
    route: '/v1/carts/:cartId/items',
    path: cartSeg.map((s) => `/v1/carts/${s}/items`),
    body: { template: line, strict: false },
    writes: [],
  },
  {
    service: 'cart',
    method: 'DELETE',
    route: '/v1/carts/:cartId/items/:sku',
    path: fc.tuple(cartSeg, skuSeg).map(([c, s]) => `/v1/carts/${c}/items/${s}`),
    junkBody: true,
    writes: [],
  },
  {
    service: 'payment',
    method: 'POST',
    route: '/v1/payments',
    path: fc.constant('/v1/payments'),
    body: {
      template: { orderId: uuid, amount: 100, currency: 'EUR', token: 'tok_visa' },
      strict: true,
    },
    writes: ['payment'],
  },
  {
    service: 'payment',
    method: 'POST',
    route: '/v1/payments/:paymentId/refund',
    path: uuidSeg.map((s) => `/v1/payments/${s}/refund`),
    junkBody: true,
    writes: ['payment'],
  },
  {
    service: 'payment',
    method: 'GET',
    route: '/v1/payments?orderId',
    path: fc.constant('/v1/payments'),
    writes: [],
  },
  {
    service: 'payment',
    method: 'GET',
    route: '/v1/payments/:paymentId',
    path: uuidSeg.map((s) => `/v1/payments/${s}`),
    writes: [],
  },
  {
    service: 'inventory',
    method: 'GET',
    route: '/v1/products',
    path: fc.constant('/v1/products'),
    writes: [],
  },
  {
    service: 'inventory',
    method: 'GET',
    route: '/v1/products/:sku',
    path: skuSeg.map((s) => `/v1/products/${s}`),
    writes: [],
  },
  {
    service: 'inventory',
    method: 'POST',
    route: '/v1/reservations',
    path: fc.constant('/v1/reservations'),
    body: { template: { orderId: uuid, items: [line] }, strict: true },
    writes: ['inventory'],
  },
  ...(['commit', 'release'] as const).map((action): Endpoint => ({
    service: 'inventory',
    method: 'POST',
    route: `/v1/reservations/:orderId/${action}`,
    path: uuidSeg.map((s) => `/v1/reservations/${s}/${action}`),
    junkBody: true,
    writes: ['inventory'],
  })),
  {
    service: 'inventory',
    method: 'GET',
    route: '/v1/reservations/:orderId',
    path: uuidSeg.map((s) => `/v1/reservations/${s}`),
    writes: [],
  },
  {
    service: 'recommendations',
    method: 'GET',
    route: '/v1/recommendations',
    path: fc.constant('/v1/recommendations'),
    writes: [],
  },
  {
    service: 'analytics',
    method: 'GET',
    route: '/v1/analytics/summary',
    path: fc.constant('/v1/analytics/summary'),
    writes: [],
  },
  {
    service: 'analytics',
    method: 'GET',
    route: '/v1/analytics/products/:sku',
    path: skuSeg.map((s) => `/v1/analytics/products/${s}`),
    writes: [],
  },
];

/** The whole request for `endpoint`: its path, a query, headers and (when it takes one) a body. */
function requests(endpoint: Endpoint): fc.Arbitrary<FuzzRequest> {
  const common = { path: endpoint.path, query: oddQuery };
  if (endpoint.body)
    return fc.record({
      ...common,
      headers: oddHeaders(true),
      body: badBodies(endpoint.body.template, endpoint.body.strict),
    });
  if (endpoint.refusedBodies)
    return fc.record({ ...common, headers: oddHeaders(true), body: endpoint.refusedBodies });
  if (!endpoint.junkBody) return fc.record({ ...common, headers: oddHeaders(false) });
  // no body schema: mostly no body (so the request reaches the handler), sometimes junk bytes
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ ...common, headers: oddHeaders(false) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        ...common,
        headers: oddHeaders(true),
        body: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      }),
    },
  );
}

/** The cart a path names, when it is a valid cart id (only those can be written). */
function cartKeyOf(path: string): string | undefined {
  const m = /^\/v1\/carts\/([^/]*)/.exec(path);
  if (!m) return undefined;
  try {
    const id = decodeURIComponent(m[1]!);
    return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? `cart:${FUZZ_CUSTOMER}:${id}` : undefined;
  } catch {
    return undefined;
  }
}

describe('fuzz: every public endpoint under hostile input', () => {
  const e2e = new E2EPlatform(3180);
  const serviceAuthorization = async (
    service: Service,
    caller: string,
  ): Promise<[string, string][]> => {
    const audience = service === 'payment' ? 'payment' : 'inventory';
    if (caller === 'none') return [];
    if (caller === 'garbage') return [['authorization', 'Bearer eyJhbGciOiJub25lIn0.e30.']];
    const other = audience === 'payment' ? 'inventory' : 'payment';
    const { authorization } = await e2e.asCheckout(caller === 'other' ? other : audience);
    return [['authorization', authorization!]];
  };
  /** The customer credentials of one input: `checkout` stands for the valid one here. */
  const customerAuthorization = async (caller: string): Promise<[string, string][]> => {
    if (caller === 'none') return [];
    if (caller === 'garbage') return [['authorization', 'Bearer eyJhbGciOiJub25lIn0.e30.']];
    if (caller === 'other') {
      // Signed by a key the platform does not trust.
      const { authorization } = await forger.headersFor(FUZZ_CUSTOMER);
      return [['authorization', authorization]];
    }
    const { authorization } = await e2e.customers.headersFor(FUZZ_CUSTOMER);
    return [['authorization', authorization]];
  };
  const forger = CustomerTokenIssuer.fromKeyPair(testServiceKeyPair());
  let redis: RedisFixture;
  let inputs = 0;
  let serverErrors = 0;
  /** Answers per endpoint by status and problem code: shows which checks the inputs reached. */
  const answers = new Map<string, Map<string, number>>();
  const tally = (endpoint: string, status: number, text: string) => {
    let code = '';
    try {
      const parsed = (JSON.parse(text) as { code?: unknown }).code;
      code = typeof parsed === 'string' ? parsed : '';
    } catch {
      // not JSON: the status alone
    }
    const byAnswer = answers.get(endpoint) ?? new Map<string, number>();
    byAnswer.set(`${status} ${code}`.trim(), (byAnswer.get(`${status} ${code}`.trim()) ?? 0) + 1);
    answers.set(endpoint, byAnswer);
  };

  beforeAll(async () => {
    await e2e.start();
    redis = await createRedisFixture('fuzz');
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    for (const [endpoint, byAnswer] of answers)
      process.stdout.write(
        `fuzz: ${endpoint}: ${[...byAnswer].map(([a, n]) => `${a} ×${n}`).join(', ')}\n`,
      );
    process.stdout.write(
      `fuzz: ${inputs} inputs over ${new Set(ENDPOINTS.map((e) => `${e.method} ${e.route.split(' ')[0]}`)).size} endpoints (${ENDPOINTS.length} properties), ${serverErrors} 5xx (seed ${SEED}, ${RUNS} runs each)\n`,
    );
    await redis?.drop();
    await e2e.stop();
  }, 60_000);

  it.each(ENDPOINTS.map((ep) => [`${ep.method} ${ep.route}`, ep] as const))(
    'when %s gets hostile input, then it never answers 5xx, refuses in problem+json and writes nothing when it refuses',
    async (_name, endpoint) => {
      const mutating = endpoint.method !== 'GET';
      await fc.assert(
        fc.asyncProperty(requests(endpoint), serviceCaller, async (req, caller) => {
          inputs++;
          if (SERVICE_ONLY.test(endpoint.route))
            req.headers.push(...(await serviceAuthorization(endpoint.service, caller)));
          else if (CUSTOMER_ONLY.test(endpoint.route))
            req.headers.push(...(await customerAuthorization(caller)));
          const cartKey = mutating ? cartKeyOf(req.path) : undefined;
          const countsBefore = mutating ? await rowCounts(e2e, endpoint.writes) : '';
          const cartBefore = cartKey ? JSON.stringify(await redis.redis.hgetall(cartKey)) : '';

          const answer = await send(e2e.url(endpoint.service), endpoint.method, req);

          tally(_name, answer.status, answer.text);
          if (answer.status >= 500) serverErrors++;
          const violation = httpViolation(answer);
          if (violation) throw new Error(violation);
          if ((endpoint.body || endpoint.refusedBodies) && answer.status < 400)
            throw new Error(
              `accepted a body it must refuse: ${answer.status} ${answer.text.slice(0, 200)}`,
            );
          if (mutating && answer.status >= 400) {
            expect(await rowCounts(e2e, endpoint.writes)).toBe(countsBefore);
            if (cartKey)
              expect(JSON.stringify(await redis.redis.hgetall(cartKey))).toBe(cartBefore);
          }
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: false },
      );
    },
    120_000,
  );
});
