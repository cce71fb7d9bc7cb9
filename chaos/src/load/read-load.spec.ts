import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReadLoad } from './read-load';

describe('background read load', () => {
  let server: Server;
  let origin = '';
  const seen: { url: string; authorization: string | undefined }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
      if (req.url?.startsWith('/v1/analytics')) {
        res.writeHead(503, { 'content-type': 'application/problem+json' });
        res.end(JSON.stringify({ code: 'RESILIENCE.LOAD_SHED' }));
      } else res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((r) => server.close(r)));

  it('when it runs, then each stream sends GETs open loop on the shared clock, with SKUs and numbers filled in, cart reads signed in as the customers, and keeps its outcomes per service', async () => {
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
      Array.from({ length: 64 }, (_, i) => ({ authorization: `Bearer shopper-${i}` })),
    );
    const started = performance.now();
    load.start();
    await new Promise((r) => setTimeout(r, 500));
    const ranMs = performance.now() - started;
    await load.stop();

    // Open loop at 50/s: as many requests as the time it ran allows (a busy machine may stretch
    // the 500 ms sleep, never the schedule), give or take the one in flight at each end.
    const reco = load.outcomes('recommendations');
    expect(reco.length).toBeGreaterThanOrEqual(Math.floor((500 / 1000) * 50) - 5);
    expect(reco.length).toBeLessThanOrEqual(Math.ceil((ranMs / 1000) * 50) + 2);
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
    // Cart reads go as the run's customers, in turn; the anonymous reads carry no token.
    const cartReads = seen.filter((s) => s.url.startsWith('/v1/carts/'));
    expect(new Set(cartReads.map((s) => s.authorization)).size).toBeGreaterThan(5);
    expect(cartReads.every((s) => s.authorization?.startsWith('Bearer shopper-'))).toBe(true);
    expect(seen.filter((s) => !s.url.startsWith('/v1/carts/')).every((s) => !s.authorization)).toBe(
      true,
    );
  });
});
