import { FaultProxyServer } from './proxy-api';

describe('fault proxy HTTP API (toxiproxy paths, names and fields)', () => {
  let api: FaultProxyServer;
  let base: string;

  beforeEach(async () => {
    api = new FaultProxyServer();
    base = await api.listen();
  });
  afterEach(() => api.close());

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text,
    };
  };

  it('when a proxy is created, then it is listed with listen, upstream, enabled and toxics', async () => {
    const created = await call('POST', '/proxies', {
      name: 'redis',
      listen: '127.0.0.1:0',
      upstream: '127.0.0.1:6379',
    });
    expect(created.status).toBe(201);
    const list = await call('GET', '/proxies');
    expect(list.body.redis).toMatchObject({
      name: 'redis',
      upstream: '127.0.0.1:6379',
      enabled: true,
      toxics: [],
    });
    expect(list.body.redis.listen).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(
      (
        await call('POST', '/proxies', {
          name: 'redis',
          listen: '127.0.0.1:0',
          upstream: '127.0.0.1:1',
        })
      ).status,
    ).toBe(409);
  });

  it('when a toxic is added without name, stream or toxicity, then toxiproxy defaults fill them', async () => {
    await call('POST', '/proxies', { name: 'p', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' });
    const toxic = await call('POST', '/proxies/p/toxics', {
      type: 'latency',
      attributes: { latency: 100 },
    });
    expect(toxic.status).toBe(200);
    expect(toxic.body).toEqual({
      name: 'latency_downstream',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 100, jitter: 0 },
    });
    const updated = await call('POST', '/proxies/p/toxics/latency_downstream', {
      attributes: { jitter: 10 },
    });
    expect(updated.body.attributes).toEqual({ latency: 100, jitter: 10 });
    expect((await call('DELETE', '/proxies/p/toxics/latency_downstream')).status).toBe(204);
    expect((await call('GET', '/proxies/p/toxics')).body).toEqual([]);
  });

  it.each([
    [{ type: 'lag' }, 'type'],
    [{ type: 'latency', stream: 'sideways' }, 'stream'],
    [{ type: 'latency', toxicity: 2 }, 'toxicity'],
    [{ type: 'latency', attributes: { latncy: 1 } }, 'attributes.latncy'],
    [{ type: 'bandwidth', attributes: { rate: -1 } }, 'attributes.rate'],
  ])('when a toxic is malformed (%j), then 400 names the field %s', async (toxic, field) => {
    await call('POST', '/proxies', { name: 'p', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' });
    const res = await call('POST', '/proxies/p/toxics', toxic);
    expect(res.status).toBe(400);
    expect(res.body.error.startsWith(`${field}:`)).toBe(true);
  });

  it('when an unknown proxy is asked for, then 404 with an error body', async () => {
    const res = await call('GET', '/proxies/nope');
    expect(res).toEqual({ status: 404, body: { error: 'proxy not found: nope', status: 404 } });
  });

  it('when populate is posted, then the proxies are (re)created; version answers text', async () => {
    const res = await call('POST', '/populate', [
      { name: 'a', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' },
      { name: 'b', listen: '127.0.0.1:0', upstream: '127.0.0.1:2', enabled: false },
    ]);
    expect(res.status).toBe(201);
    expect(res.body.proxies.map((p: { name: string }) => p.name)).toEqual(['a', 'b']);
    expect((await call('GET', '/version')).body).toMatch(/^\d+\.\d+/);
  });
});
