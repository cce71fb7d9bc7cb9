import { cpus } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { PlatformUnderTest, testEnv } from '@rc/testing';
import { runStep, type StepResult } from './open-loop';

// npm run bench:checkout [-- --json] [-- --quick] [-- --slo-ms 1000]   (the npm script builds first:
// at run time the workspace libs resolve to their compiled output)
// Open-loop load on POST /v1/checkout of the real platform (six processes, Postgres, Redis,
// Kafka): capacity (highest rate with p99 under the SLO and < 0.1% errors), p50/p99 at half
// capacity, and goodput with the resilience pipeline on vs off at an overload rate.

const ROOT = join(__dirname, '..', '..', '..');
const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const sloIndex = args.indexOf('--slo-ms');
const sloP99Ms = sloIndex >= 0 ? Number(args[sloIndex + 1]) : 1000;
const stepSeconds = quick ? 4 : 8;
const RATES = [10, 20, 30, 40, 50, 60, 80, 100, 130, 160];

const progress = (msg: string) => process.stderr.write(`[bench:checkout] ${msg}\n`);

async function restock(databaseUrl: string, skus: string[]): Promise<void> {
  const u = new URL(databaseUrl);
  u.pathname = '/rc_inventory';
  const pool = new Pool({ connectionString: u.toString(), max: 1 });
  // A benchmark may refill stock directly: every order takes one unit.
  await pool.query('UPDATE stock SET on_hand = on_hand + 100000 WHERE sku = ANY($1)', [skus]);
  await pool.end();
}

export async function main(): Promise<void> {
  const platform = new PlatformUnderTest({
    root: ROOT,
    portBase: 3200,
    env: {
      checkout: { LOG_LEVEL: 'warn' },
      inventory: { LOG_LEVEL: 'warn' },
      payment: { LOG_LEVEL: 'warn' },
    },
  });
  progress('starting the six services on ports 3200-3205 ...');
  await platform.start();
  try {
    const products = (
      (await (await fetch(`${platform.url('inventory')}/v1/products`)).json()) as {
        items: { sku: string }[];
      }
    ).items.map((p) => p.sku);
    await restock(testEnv().databaseUrl, products);
    let n = 0;
    const body = () => {
      n++;
      return {
        customerId: `bench-${Date.now().toString(36)}-${n}`,
        items: [{ sku: products[n % products.length], quantity: 1 }],
        payment: { token: 'tok_visa' },
      };
    };
    const url = `${platform.url('checkout')}/v1/checkout`;
    progress('warm-up: 10 rps for 3 s');
    await runStep(url, 10, 3, body);

    const steps: StepResult[] = [];
    let capacityRps = 0;
    for (const rate of RATES) {
      const step = await runStep(url, rate, stepSeconds, body);
      steps.push(step);
      const meets = step.p99Ms <= sloP99Ms && step.errorRatio < 0.001;
      progress(
        `${rate} rps: ok ${step.ok}/${step.sent}, p50 ${step.p50Ms} ms, p99 ${step.p99Ms} ms${meets ? '' : '  <- misses the SLO'}`,
      );
      if (!meets) break;
      capacityRps = rate;
    }
    const halfRate = Math.max(5, Math.round(capacityRps / 2));
    progress(`half capacity: ${halfRate} rps for ${stepSeconds * 2} s`);
    const half = await runStep(url, halfRate, stepSeconds * 2, body);

    // On vs off at an overload rate, where the pipeline's job (shed, fail fast) shows.
    const overloadRate = Math.max(20, Math.round(capacityRps * 1.5));
    progress(`pipeline on: ${overloadRate} rps for ${stepSeconds} s`);
    const on = await runStep(url, overloadRate, stepSeconds, body);
    progress('restarting checkout with RESILIENCE_PIPELINE_ENABLED=false');
    await platform.restartWith('checkout', { RESILIENCE_PIPELINE_ENABLED: 'false' });
    await runStep(url, 10, 2, body);
    progress(`pipeline off: ${overloadRate} rps for ${stepSeconds} s`);
    const off = await runStep(url, overloadRate, stepSeconds, body);
    const ratio =
      off.goodputRps > 0
        ? Math.round((on.goodputRps / off.goodputRps) * 100) / 100
        : Number.POSITIVE_INFINITY;

    const result = {
      capacityRps,
      p50MsAtHalfCapacity: half.p50Ms,
      p99MsAtHalfCapacity: half.p99Ms,
      pipelineOnOffThroughputRatio: ratio,
      sloP99Ms,
      halfCapacityRps: halfRate,
      overloadRps: overloadRate,
      pipelineOn: on,
      pipelineOff: off,
      steps,
      machine: { cpus: cpus().length, node: process.version },
      measuredAt: new Date().toISOString(),
    };
    if (json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      console.log(`\ncheckout capacity (p99 <= ${sloP99Ms} ms, errors < 0.1%): ${capacityRps} rps`);
      console.log(`at half capacity (${halfRate} rps): p50 ${half.p50Ms} ms, p99 ${half.p99Ms} ms`);
      console.log(
        `at ${overloadRate} rps: goodput ${on.goodputRps}/s with the pipeline, ${off.goodputRps}/s without -> ratio ${ratio}`,
      );
      console.log('\nrate  sent   ok     p50ms  p99ms  goodput');
      for (const s of steps) {
        console.log(
          `${String(s.rateRps).padEnd(5)} ${String(s.sent).padEnd(6)} ${String(s.ok).padEnd(6)} ${String(s.p50Ms).padEnd(6)} ${String(s.p99Ms).padEnd(6)} ${s.goodputRps}`,
        );
      }
    }
  } finally {
    progress('stopping the services');
    await platform.stop();
  }
}
