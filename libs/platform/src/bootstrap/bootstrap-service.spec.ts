import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startDemo, type StartedDemo } from '../../test/fixtures/start-demo';
import { HealthRegistry } from '../health/health-registry';
import { ShutdownRegistry } from '../lifecycle/shutdown-registry';

/** The value of the sample `name{labels}` in Prometheus text, whatever the label order. */
function sampleValue(
  text: string,
  name: string,
  labels: Record<string, string>,
): number | undefined {
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith(`${name}{`) &&
        Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
    );
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe('bootstrapService', () => {
  let demo: StartedDemo;

  beforeEach(async () => {
    demo = await startDemo();
  });

  afterEach(async () => {
    await demo.service.shutdown('test');
  });

  it('when /health/live is called, then it answers 200 without touching dependencies', async () => {
    demo.service.app.get(HealthRegistry).register('db', () => Promise.reject(new Error('down')));

    const res = await fetch(`${demo.url}/health/live`);

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'up' });
  });

  it('when a registered check fails, then /health/ready answers 503 naming it, and 200 once it recovers', async () => {
    let dbUp = true;
    demo.service.app.get(HealthRegistry).register('db', async () => {
      if (!dbUp) throw new Error('connection refused');
    });

    // one round of checks answers every probe for a second
    const nextRound = () => new Promise((r) => setTimeout(r, 1_050));
    const before = await fetch(`${demo.url}/health/ready`);
    dbUp = false;
    const cached = await fetch(`${demo.url}/health/ready`);
    await nextRound();
    const during = await fetch(`${demo.url}/health/ready`);
    const body = (await during.json()) as { checks: Record<string, unknown> };
    dbUp = true;
    await nextRound();
    const after = await fetch(`${demo.url}/health/ready`);

    expect(before.status).toBe(200);
    expect(cached.status).toBe(200);
    expect(during.status).toBe(503);
    // the reason, not the dependency's own message (it can name hosts, users, databases)
    expect(body.checks.db).toEqual({
      status: 'down',
      durationMs: expect.any(Number),
      error: 'failed',
    });
    expect(after.status).toBe(200);
  });

  it('when a check hangs, then readiness reports it down after the check timeout', async () => {
    demo.service.app.get(HealthRegistry).register('kafka', () => new Promise(() => undefined));

    const started = Date.now();
    const res = await fetch(`${demo.url}/health/ready`);

    expect(res.status).toBe(503);
    const body = (await res.json()) as { checks: Record<string, { error: string }> };
    expect(body.checks.kafka!.error).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('when a request was served, then /metrics has the duration histogram by route template and status class', async () => {
    await fetch(`${demo.url}/v1/items/abc-123`);
    await fetch(`${demo.url}/no/such/route`);

    const text = await (await fetch(`${demo.url}/metrics`)).text();

    const item = { method: 'GET', route: '/v1/items/:id', status_class: '2xx', service: 'demo' };
    const unmatched = { method: 'GET', route: 'unmatched', status_class: '4xx', service: 'demo' };
    expect(sampleValue(text, 'http_server_request_duration_seconds_count', item)).toBe(1);
    expect(sampleValue(text, 'http_server_requests_total', unmatched)).toBe(1);
    expect(text).not.toContain('abc-123');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toMatch(
      /service_info\{version="0\.1\.0",config_hash="[0-9a-f]{12}",service="demo"\} 1/,
    );
  });

  it('when the load shedder refuses a request (503, x-retry: no), then the shed histogram counts it; another 503 only the duration histogram', async () => {
    await fetch(`${demo.url}/errors/coded`);
    await fetch(`${demo.url}/errors/unavailable`);

    const text = await (await fetch(`${demo.url}/metrics`)).text();

    const shed = { method: 'GET', route: '/errors/coded', service: 'demo' };
    const down = { method: 'GET', route: '/errors/unavailable', service: 'demo' };
    expect(sampleValue(text, 'http_server_shed_duration_seconds_count', shed)).toBe(1);
    expect(sampleValue(text, 'http_server_shed_duration_seconds_count', down)).toBeUndefined();
    for (const route of ['/errors/coded', '/errors/unavailable'])
      expect(
        sampleValue(text, 'http_server_request_duration_seconds_count', {
          method: 'GET',
          route,
          status_class: '5xx',
        }),
      ).toBe(1);
  });

  it('when a request carries an x-request-id, then it is echoed and every log line of the request carries it with the trace id', async () => {
    const res = await fetch(`${demo.url}/v1/items/7`, { headers: { 'x-request-id': 'req-42' } });

    expect(res.headers.get('x-request-id')).toBe('req-42');
    const handlerLine = demo.logs.find((l) => l.msg === 'item read');
    const accessLine = demo.logs.find((l) => l.msg === 'request' && l.route === '/v1/items/:id');
    expect(handlerLine).toMatchObject({
      level: 'info',
      service: 'demo',
      request_id: 'req-42',
      id: '7',
    });
    expect(handlerLine?.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(accessLine).toMatchObject({
      request_id: 'req-42',
      status: 200,
      method: 'GET',
      trace_id: handlerLine?.trace_id,
    });
  });

  it('when a forged request id is sent, then a fresh one is used instead', async () => {
    const res = await fetch(`${demo.url}/v1/items/7`, {
      headers: { 'x-request-id': 'bad id\twith "quotes"' },
    });

    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('when started, then the config line is logged with secrets redacted', () => {
    const started = demo.logs.find((l) => l.msg === 'service started') as {
      config: Record<string, unknown>;
    };

    expect(['***', '[redacted]']).toContain(started.config.DEMO_TOKEN);
    expect(JSON.stringify(demo.logs)).not.toContain('demo-secret-token');
  });

  it('when OpenAPI is enabled, then /docs-json describes the routes', async () => {
    const doc = (await (await fetch(`${demo.url}/docs-json`)).json()) as { paths: object };

    expect(Object.keys(doc.paths)).toContain('/v1/items/{id}');
    expect(Object.keys(doc.paths)).not.toContain('/health/live');
  });
});

describe('graceful shutdown', () => {
  it('when shutting down with a request in flight, then it finishes, new connections are refused and resources close after the drain', async () => {
    const demo = await startDemo({ SHUTDOWN_GRACE_MS: '5000' });
    const events: string[] = [];
    demo.service.app
      .get(ShutdownRegistry)
      .onShutdown('pool', () => void events.push('pool closed'));
    const inFlight = fetch(`${demo.url}/slow?ms=400`).then(async (r) => {
      events.push('request done');
      return r;
    });
    await new Promise((r) => setTimeout(r, 100));

    const stopping = demo.service.shutdown('test');
    await new Promise((r) => setTimeout(r, 50));
    const refused = await fetch(`${demo.url}/v1/items/1`).then(
      () => 'answered',
      () => 'refused',
    );
    const res = await inFlight;
    await stopping;

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ waited: 400 });
    expect(refused).toBe('refused');
    expect(events).toEqual(['request done', 'pool closed']);
  });

  it('when a request outlives the grace period, then shutdown completes anyway after the bound', async () => {
    const demo = await startDemo({ SHUTDOWN_GRACE_MS: '200' });
    const closed: string[] = [];
    demo.service.app.get(ShutdownRegistry).onShutdown('pool', () => void closed.push('pool'));
    void fetch(`${demo.url}/slow?ms=3000`).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));

    const started = Date.now();
    await demo.service.shutdown('test');

    expect(Date.now() - started).toBeLessThan(1500);
    expect(closed).toEqual(['pool']);
    expect(
      demo.logs.some((l) => l.msg === 'in-flight requests did not finish within the grace period'),
    ).toBe(true);
  });
});

describe('config refusal', () => {
  it('when config is invalid, then the process exits 1 naming each bad key and its documentation', () => {
    const root = join(__dirname, '..', '..', '..', '..');
    const result = spawnSync(
      process.execPath,
      [
        join(root, 'scripts/bench/run.mjs'),
        join(__dirname, '../../test/fixtures/refuse-config.ts'),
      ],
      { encoding: 'utf8', timeout: 20_000 },
    );

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration, refusing to start');
    expect(result.stderr).toMatch(/PORT: .*got "eighty".*\(HTTP port/);
    expect(result.stderr).toMatch(/LOG_LEVEL: .*got "chatty"/);
    expect(result.stderr).toMatch(/DEMO_TOKEN: .*\(Token the demo never logs\.\)/);
    expect(result.stderr).not.toContain('short');
  });
});
