// Postgres on CloudNativePG (one cluster per owning service, 3 instances over zones with a
// synchronous standby in production) and two Redis with opposite contracts.
import { services } from './support/code-facts';
import { build, configOf, get, ofKind, OVERLAYS } from './support/overlays';

describe('stateful infrastructure in overlays/production', () => {
  const objects = build('production');

  it('when the services own databases, then each has its own CloudNativePG cluster of 3 instances across zones, with a synchronous standby', () => {
    const owners = services()
      .filter((s) => s.hasDatabase)
      .map((s) => `${s.name}-db`)
      .sort();
    const clusters = ofKind(objects, 'Cluster');
    expect(clusters.map((c) => c.metadata.name).sort()).toEqual(owners);
    for (const c of clusters) {
      expect(c.spec.instances).toBe(3);
      expect(c.spec.affinity).toMatchObject({
        topologyKey: 'topology.kubernetes.io/zone',
        podAntiAffinityType: 'required',
      });
      expect(c.spec.postgresql.synchronous.number).toBeGreaterThanOrEqual(1);
    }
  });
});

describe.each(OVERLAYS)('redis in overlays/%s', (overlay) => {
  const objects = build(overlay);
  const args = (name: string) =>
    get(objects, 'Deployment', name).spec.template.spec.containers[0].args as string[];
  const arg = (name: string, flag: string) => args(name)[args(name).indexOf(flag) + 1];

  it('when Redis holds only cache, then persistence is off and it evicts', () => {
    expect(arg('redis-cache', '--save')).toBe('');
    expect(arg('redis-cache', '--appendonly')).toBe('no');
    expect(arg('redis-cache', '--maxmemory-policy')).toBe('allkeys-lru');
  });

  it('when Redis holds state (carts, the model), then it never evicts and persists to a volume', () => {
    expect(arg('redis-state', '--maxmemory-policy')).toBe('noeviction');
    expect(arg('redis-state', '--appendonly')).toBe('yes');
    const volume = get(objects, 'Deployment', 'redis-state').spec.template.spec.volumes[0];
    expect(
      get(objects, 'PersistentVolumeClaim', volume.persistentVolumeClaim.claimName),
    ).toBeDefined();
  });

  it('when a service keeps state in Redis (carts, the model, rate-limit buckets), then its REDIS_URL is the state instance and only recommendations caches, in redis-cache', () => {
    for (const s of services()) {
      const config = configOf(objects, get(objects, 'Deployment', s.name));
      // payment keeps nothing in Redis: it has no REDIS_URL at all
      if (!('REDIS_URL' in s.schema.shape)) {
        expect(config.REDIS_URL).toBeUndefined();
        continue;
      }
      expect(new URL(config.REDIS_URL!).hostname).toBe('redis-state');
      expect(config.REDIS_CACHE_URL && new URL(config.REDIS_CACHE_URL).hostname).toBe(
        s.name === 'recommendations' ? 'redis-cache' : undefined,
      );
    }
  });

  it('when Redis fills up, then maxmemory stays below the container limit', () => {
    for (const name of ['redis-cache', 'redis-state']) {
      const maxmemory = Number(/^(\d+)mb$/.exec(arg(name, '--maxmemory') ?? '')![1]);
      const limit = Number(
        /^(\d+)Mi$/.exec(
          get(objects, 'Deployment', name).spec.template.spec.containers[0].resources.limits.memory,
        )![1],
      );
      expect(maxmemory).toBeLessThan(limit);
    }
  });
});
