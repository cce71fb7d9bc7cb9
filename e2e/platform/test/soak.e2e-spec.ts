import { readFile } from 'node:fs/promises';
import { PLATFORM_SERVICES, testEnv } from '@rc/testing';
import { catalogueSkus, topUpStock } from '../bench/checkout-traffic';
import { machineContext } from '../bench/machine-context';
import { SOAK_SERVICE_ENV } from '../bench/soak-options';
import { renderSoakText, writeSoakReport } from '../bench/soak-html';
import { summariseSoak, type SoakResult } from '../bench/soak-report';
import { runSoak } from '../bench/soak-run';
import { E2EPlatform, ROOT, START_TIMEOUT_MS } from './support/platform';

// Issue 11, the CI half of `npm run soak`: two minutes of open-loop checkouts at a modest rate
// through the soak's own pieces (bench/soak-*.ts), judged on what two minutes can show — every
// service stays up, errors stay under 1 %, the bookkeeping tables stay bounded — and on the
// report being written. RSS growth is reported, never asserted: over two minutes it is mostly
// heap and JIT warm-up (the 30-minute target belongs to `npm run soak`).
const RATE_RPS = 15;
const WARMUP_SECONDS = 20;
const SOAK_SECONDS = 100;
/** At 15/s the relays keep a handful of rows waiting; 150 is ten seconds of checkouts stuck. */
const OUTBOX_PENDING_BOUND = 150;
/** No checkout writes more than this many rows into any one bookkeeping table. */
const ROWS_PER_CHECKOUT_BOUND = 5;
const SERVICES = PLATFORM_SERVICES.map((s) => s.name);

describe('soak: two minutes of checkouts at 15/s', () => {
  const e2e = new E2EPlatform(
    3200,
    Object.fromEntries(
      SERVICES.map((s) => [
        s,
        { LOG_LEVEL: 'warn', ...SOAK_SERVICE_ENV[s as keyof typeof SOAK_SERVICE_ENV] },
      ]),
    ),
  );
  let result: SoakResult;
  let files: { json: string; html: string };

  beforeAll(async () => {
    await e2e.start();
    const inventoryDb = new URL(testEnv().databaseUrl);
    inventoryDb.pathname = '/rc_inventory';
    await topUpStock(inventoryDb.toString(), 5_000);
    const record = await runSoak({
      platform: e2e.platform,
      skus: await catalogueSkus(e2e.url('inventory')),
      databaseUrl: testEnv().databaseUrl,
      rateRps: RATE_RPS,
      warmupSeconds: WARMUP_SECONDS,
      seconds: SOAK_SECONDS,
      sampleSeconds: 10,
      progress: (m) => process.stderr.write(`[soak e2e] ${m}\n`),
    });
    result = { ...record, summary: summariseSoak(record), machine: await machineContext() };
    files = await writeSoakReport(ROOT, result, 'soak-ci');
    process.stderr.write(`${renderSoakText(result)}\n`);
  }, START_TIMEOUT_MS + 240_000);
  afterAll(() => e2e.stop(), 60_000);

  it('when the load ran, then every service was running at every sample and is still ready', async () => {
    const ready = await Promise.all(
      SERVICES.map(async (s) => [s, (await fetch(e2e.url(s, '/health/ready'))).status]),
    );

    expect(result.summary.servicesDown).toEqual([]);
    expect(result.samples).toHaveLength(1 + (WARMUP_SECONDS + SOAK_SECONDS) / 10);
    expect(Object.fromEntries(ready)).toEqual(Object.fromEntries(SERVICES.map((s) => [s, 200])));
  });

  it('when the load ran, then it was sent at the full rate and fewer than 1 % of the checkouts failed', () => {
    const { sent, errorRatio } = result.summary.load;

    expect(sent).toBe(RATE_RPS * SOAK_SECONDS);
    expect(errorRatio).toBeLessThan(0.01);
  });

  it('when the load ran, then no outbox backlog built up and no bookkeeping table outgrew the checkouts', () => {
    const { tables, outboxPendingMax, load } = result.summary;
    const outgrown = Object.entries(tables).filter(
      ([, t]) => t.end - t.baseline > ROWS_PER_CHECKOUT_BOUND * load.sent,
    );

    expect(Object.keys(tables).sort()).toEqual([
      'analytics.idempotency_keys',
      'analytics.inbox',
      'checkout.idempotency_keys',
      'checkout.outbox',
      'inventory.idempotency_keys',
      'inventory.inbox',
      'inventory.outbox',
      'payment.idempotency_keys',
      'payment.outbox',
    ]);
    expect(outboxPendingMax).toBeLessThanOrEqual(OUTBOX_PENDING_BOUND);
    expect(outgrown).toEqual([]);
  });

  it('when the run ended, then the JSON and the HTML report are written, RSS growth reported but not judged', async () => {
    const json = JSON.parse(await readFile(files.json, 'utf8')) as SoakResult;
    const html = await readFile(files.html, 'utf8');

    expect(Object.keys(json.summary.rssGrowth).sort()).toEqual([...SERVICES].sort());
    for (const growth of Object.values(json.summary.rssGrowth))
      expect(growth.growthPct).toEqual(expect.any(Number));
    expect(json.summary.memory.judged).toBe(false);
    expect(html.match(/<svg/g)).toHaveLength(4);
    expect(html).toContain('not judged');
  });
});
