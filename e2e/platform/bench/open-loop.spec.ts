import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { runOpenLoop, type OpenLoopStep } from './open-loop';

// A loopback server standing in for checkout: it records when each request arrived and answers
// however the test says.
let server: Server;
let origin: string;
let arrivals: number[];
let answer: (req: IncomingMessage, res: ServerResponse) => void;
let dispatcher: Agent;

beforeEach(async () => {
  arrivals = [];
  dispatcher = new Agent({ connections: 256, pipelining: 1 });
  server = createServer((req, res) => {
    arrivals.push(performance.now());
    req.resume().on('end', () => answer(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await dispatcher.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const created = (res: ServerResponse) => res.writeHead(201).end('{}');

function step(overrides: Partial<OpenLoopStep> = {}): OpenLoopStep {
  return {
    origin,
    dispatcher,
    rateRps: 50,
    seconds: 1,
    next: () => ({ path: '/v1/checkout', headers: {}, body: { n: 1 } }),
    okStatus: 201,
    timeoutMs: 5_000,
    sloMs: 1_000,
    ...overrides,
  };
}

describe('open-loop load', () => {
  it('when every answer takes 300 ms, then requests still arrive on the 20 ms schedule and latency includes the wait', async () => {
    answer = (_req, res) => setTimeout(() => created(res), 300);

    const result = await runOpenLoop(step());

    expect(result).toMatchObject({ sent: 50, ok: 50, errors: 0 });
    // a closed loop would space them 300 ms apart (49 gaps: 14.7 s); an open loop keeps 20 ms
    // (980 ms), and a burst would send them all at once. The lower bound leaves room for the
    // first connections' set-up on a busy machine, which delays the first arrivals only.
    const span = arrivals[arrivals.length - 1]! - arrivals[0]!;
    expect(span).toBeGreaterThan(700);
    expect(span).toBeLessThan(1_200);
    expect(result.p50Ms).toBeGreaterThanOrEqual(300);
  });

  it('when the generator itself stalls, then the late requests are billed the stall from their scheduled time', async () => {
    answer = (_req, res) => created(res);
    let stalled = false;
    const next = step().next;

    const result = await runOpenLoop(
      step({
        next: (i) => {
          if (i === 5 && !stalled) {
            stalled = true;
            const until = performance.now() + 400;
            while (performance.now() < until); // a blocked event loop, like a GC pause
          }
          return next(i);
        },
      }),
    );

    // requests 6..25 were due during the 400 ms stall: sent late, and their latency says so
    expect(result.generatorLagP99Ms).toBeGreaterThanOrEqual(300);
    expect(result.p90Ms).toBeGreaterThanOrEqual(100);
    expect(result.maxMs).toBeGreaterThanOrEqual(350);
  });

  it('when answers are errors or never come, then they are counted by status, problem code and timeout', async () => {
    let n = 0;
    answer = (_req, res) => {
      n++;
      if (n % 3 === 1) return created(res);
      if (n % 3 === 2)
        return res
          .writeHead(503, { 'content-type': 'application/problem+json' })
          .end(JSON.stringify({ status: 503, code: 'RESILIENCE.LOAD_SHED' }));
      // the third never answers
    };

    const result = await runOpenLoop(step({ rateRps: 30, timeoutMs: 300 }));

    expect(result.sent).toBe(30);
    expect(result.statuses).toEqual({ '201': 10, '503 RESILIENCE.LOAD_SHED': 10, timeout: 10 });
    expect(result.ok).toBe(10);
    expect(result.errorRatio).toBeCloseTo(20 / 30);
    expect(result.maxMs).toBeGreaterThanOrEqual(300);
  });
});
