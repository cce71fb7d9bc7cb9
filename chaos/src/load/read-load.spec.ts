import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReadLoad } from './read-load';

describe('background read load', () => {
  let server: Server;
  let origin = '';
  const seen: { url: string; client: string | undefined }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', client: req.headers['x-client-id'] as string | undefined });
      if (req.url?.startsWith('/v1/analytics')) {
        res.writeHead(503, { 'content-type': 'application/problem+json' });
        res.end(JSON.stringify({ code: 'RESILIENCE.LOAD_SHED' }));
      } else res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((r) => server.close(r)));

  it('when it runs, then each stream sends GETs open loop on the shared clock, with SKUs and numbers filled in, and keeps its outcomes per service', async () => {
    const epoch = performance.now() - 10_000; // the checkout load started 10 s ago
    const load = new ReadLoad(
      [
        {
          service: 'recommendations',
          origin,
          path: '/v1/recommendations?skus={sku},{sku2}',
          rateRps: 50,
        },
        { service: 'analytics', origin, path: '/v1/analytics/summary', rateRps: 20 },
        { service: 'cart', origin, path: '/v1/carts/reader-{n}', rateRps: 20 },
      ],
      ['A', 'B', 'C'],
      epoch,
    );
    load.start();
    await new Promise((r) => setTimeout(r, 500));
    await load.stop();

    const reco = load.outcomes('recommendations');
    expect(reco.length).toBeGreaterThanOrEqual(20);
    expect(reco.length).toBeLessThanOrEqual(30);
    expect(reco.every((o) => o.status === '200' && o.at >= 10_000)).toBe(true);
    expect(load.outcomes('analytics').every((o) => o.status === '503 RESILIENCE.LOAD_SHED')).toBe(
      true,
    );
    expect(load.outcomes('missing')).toEqual([]);
    expect(load.services).toEqual(['recommendations', 'analytics', 'cart']);
    expect(seen.map((s) => s.url)).toEqual(
      expect.arrayContaining([
        '/v1/recommendations?skus=A,B',
        '/v1/recommendations?skus=B,C',
        '/v1/carts/reader-0',
        '/v1/carts/reader-1',
      ]),
    );
    expect(new Set(seen.map((s) => s.client)).size).toBeGreaterThan(10);
  });
});
