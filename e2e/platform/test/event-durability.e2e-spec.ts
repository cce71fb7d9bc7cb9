import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { call, checkoutBody, eventually, fresh } from './support/http';
import { readTopic, waitForGroupCaughtUp } from './support/kafka-events';
import { E2EPlatform, ROOT, START_TIMEOUT_MS } from './support/platform';

const infra = (command: string) =>
  execFileSync('bash', [join(ROOT, 'scripts/infra/infra.sh'), command], {
    stdio: 'pipe',
    timeout: 120_000,
  });

// Events are never lost and never applied twice, whatever stops while orders flow.
describe('event durability', () => {
  const e2e = new E2EPlatform(3130);

  beforeAll(() => e2e.start(), START_TIMEOUT_MS);
  afterAll(async () => {
    infra('kafka-start');
    await e2e.stop();
  }, 120_000);

  const placeOrders = async (prefix: string, n: number): Promise<string[]> => {
    const product = await e2e.productWithStock(n + 1);
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const { customerId, key } = fresh(prefix);
      const res = await call('POST', e2e.url('checkout', '/v1/checkout'), {
        body: checkoutBody(customerId, [{ sku: product.sku, quantity: 1 }]),
        headers: { 'idempotency-key': key },
      });
      expect(res.status).toBe(201);
      ids.push(res.body.orderId as string);
    }
    return ids;
  };

  /** How many times analytics applied the OrderPlaced events of these orders (its inbox). */
  /** Orders placed as analytics counts them, once it has consumed every order event so far. */
  const settledOrdersPlaced = async (): Promise<number> => {
    await waitForGroupCaughtUp('analytics', 'orders');
    return (await call('GET', e2e.url('analytics', '/v1/analytics/summary'))).body
      .ordersPlaced as number;
  };

  const applied = async (ids: string[]): Promise<number> => {
    const eventIds = (await readTopic('orders'))
      .filter((m) => ids.includes(m.key) && m.value.type === 'OrderPlaced')
      .map((m) => m.value.id);
    const rows = await e2e.sql<{ n: number }>(
      'analytics',
      'SELECT count(*)::int AS n FROM inbox WHERE event_id::text = ANY($1::text[])',
      [[...new Set(eventIds)]],
    );
    return rows[0]!.n;
  };

  it('(f) when analytics is killed while orders flow and then restarted, then it catches up: nothing lost, nothing counted twice', async () => {
    const before = await settledOrdersPlaced();
    await e2e.platform.service('analytics').kill();

    const ids = await placeOrders('analytics-down', 5);
    await e2e.platform.service('analytics').start();

    // The killed member's session must expire (~30 s) before its partitions are reassigned.
    const summary = await eventually(
      'analytics caught up',
      async () => {
        const s = (await call('GET', e2e.url('analytics', '/v1/analytics/summary'))).body;
        return s.ordersPlaced >= before + 5 ? s : undefined;
      },
      90_000,
      1_000,
    );
    await new Promise((r) => setTimeout(r, 2000)); // any duplicate delivery would land by now
    const after = (await call('GET', e2e.url('analytics', '/v1/analytics/summary'))).body;
    expect(summary.ordersPlaced).toBe(before + 5);
    expect(after.ordersPlaced).toBe(before + 5);
    expect(await applied(ids)).toBe(5);
  });

  it('(g) when the Kafka broker is stopped while orders flow, then checkouts keep succeeding and, once it is back, every event is delivered once', async () => {
    const before = await settledOrdersPlaced();
    infra('kafka-stop');

    let ids: string[];
    try {
      ids = await placeOrders('kafka-down', 5);
    } finally {
      infra('kafka-start');
    }

    await eventually(
      'analytics counted the orders placed while Kafka was down',
      async () => {
        const s = (await call('GET', e2e.url('analytics', '/v1/analytics/summary'))).body;
        return s.ordersPlaced >= before + 5 ? s : undefined;
      },
      90_000,
      1_000,
    );
    await new Promise((r) => setTimeout(r, 2000));
    const after = (await call('GET', e2e.url('analytics', '/v1/analytics/summary'))).body;
    expect(after.ordersPlaced).toBe(before + 5);
    const placed = (await readTopic('orders')).filter(
      (m) => ids.includes(m.key) && m.value.type === 'OrderPlaced',
    );
    expect(new Set(placed.map((m) => m.key))).toEqual(new Set(ids));
    expect(await applied(ids)).toBe(5);
  });
});
