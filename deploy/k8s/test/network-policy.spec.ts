/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped YAML data */
// NetworkPolicies encode the tiers and the code's dependencies: default deny; a service reaches
// exactly the services its config calls, its own database and its Redis; only checkout reaches
// payment and inventory; each database and Redis admits only its owners.
import { services } from './support/code-facts';
import { build, configOf, get, ofKind, OVERLAYS } from './support/overlays';

const APP = 'app.kubernetes.io/name';
const names = () => new Set(services().map((s) => s.name));
const peersOf = (rules: any[] | undefined) =>
  (rules ?? []).flatMap((r: any) =>
    (r.to ?? r.from ?? []).map((p: any) => ({ peer: p, ports: r.ports })),
  );
const appPeers = (rules: any[] | undefined) =>
  peersOf(rules)
    .filter((x) => !x.peer.namespaceSelector && names().has(x.peer.podSelector?.matchLabels?.[APP]))
    .map((x) => ({
      name: x.peer.podSelector.matchLabels[APP] as string,
      ports: x.ports.map((p: any) => p.port),
    }));

describe.each(OVERLAYS)('network policies in overlays/%s', (overlay) => {
  const objects = build(overlay);
  const policy = (name: string) => get(objects, 'NetworkPolicy', name);

  it('when nothing else is allowed, then every service pod is denied in and out by default', () => {
    const deny = policy('default-deny');
    expect(deny.spec.podSelector).toEqual({
      matchLabels: { 'app.kubernetes.io/part-of': 'resilient-commerce' },
    });
    expect(deny.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(deny.spec.ingress ?? []).toEqual([]);
    expect(deny.spec.egress ?? []).toEqual([]);
    for (const s of services())
      expect(
        get(objects, 'Deployment', s.name).spec.template.metadata.labels[
          'app.kubernetes.io/part-of'
        ],
      ).toBe('resilient-commerce');
  });

  it.each(services().map((s) => [s.name, s]))(
    'when %s calls other services, then its egress allows exactly the HTTP dependencies of its config, on their ports',
    (name, facts) => {
      const allowed = appPeers(policy(name).spec.egress);
      const expected = facts.httpDependencies.map((d) => ({
        name: d,
        ports: [services().find((s) => s.name === d)!.port],
      }));
      expect(allowed.sort((a, b) => a.name.localeCompare(b.name))).toEqual(
        expected.sort((a, b) => a.name.localeCompare(b.name)),
      );
      // and its ConfigMap points each dependency URL at that service's name and port
      const config = configOf(objects, get(objects, 'Deployment', name));
      for (const [key, value] of Object.entries(facts.defaults))
        if (
          key.endsWith('_URL') &&
          !['DATABASE_URL', 'REDIS_URL', 'REDIS_CACHE_URL'].includes(key) &&
          key !== 'OTEL_EXPORTER_OTLP_ENDPOINT'
        ) {
          const url = new URL(config[key]!);
          const target = services().find((s) => s.port === Number(new URL(String(value)).port))!;
          expect(`${url.hostname}:${url.port}`).toBe(`${target.name}:${target.port}`);
        }
    },
  );

  it.each(services().map((s) => [s.name, s]))(
    'when %s is called, then only the services that depend on it (and the Gateway, Prometheus) may reach it',
    (name, facts) => {
      const callers = services()
        .filter((s) => s.httpDependencies.includes(name))
        .map((s) => s.name)
        .sort();
      expect(
        appPeers(policy(name).spec.ingress)
          .map((p) => p.name)
          .sort(),
      ).toEqual(callers);
      for (const rule of policy(name).spec.ingress)
        expect(rule.ports).toEqual([{ port: facts.port }]);
    },
  );

  it('when payment and inventory are called, then checkout is the only service allowed', () => {
    for (const name of ['payment', 'inventory'])
      expect(appPeers(policy(name).spec.ingress).map((p) => p.name)).toEqual(['checkout']);
  });

  /** The Redis hosts a service's ConfigMap names (REDIS_URL, REDIS_CACHE_URL), sorted. */
  const redisHostsOf = (name: string) => {
    const config = configOf(objects, get(objects, 'Deployment', name));
    return [config.REDIS_URL, config.REDIS_CACHE_URL]
      .filter((url): url is string => url !== undefined)
      .map((url) => new URL(url).hostname)
      .sort();
  };

  it.each(services().map((s) => [s.name, s]))(
    'when %s stores data, then it reaches only its own database and the Redis of its REDIS_URL and REDIS_CACHE_URL',
    (name, facts) => {
      const egress = peersOf(policy(name).spec.egress);
      const dbs = egress
        .map((x) => x.peer.podSelector?.matchLabels?.['cnpg.io/cluster'])
        .filter(Boolean);
      expect(dbs).toEqual(facts.hasDatabase ? [`${name}-db`] : []);
      const redis = egress
        .map((x) => x.peer.podSelector?.matchLabels?.[APP])
        .filter((n) => n?.startsWith('redis'))
        .sort();
      expect(redis).toEqual(redisHostsOf(name));
      // the other side admits exactly its owners
      if (facts.hasDatabase) {
        const dbPolicy = policy(`${name}-db`);
        const apps = appPeers(dbPolicy.spec.ingress).map((p) => p.name);
        expect(apps).toEqual([name]);
      }
      for (const redisHost of redisHostsOf(name)) {
        const redisOwners = services()
          .filter((s) => redisHostsOf(s.name).includes(redisHost))
          .map((s) => s.name)
          .sort();
        expect(
          appPeers(policy(redisHost).spec.ingress)
            .map((p) => p.name)
            .sort(),
        ).toEqual(redisOwners);
      }
    },
  );

  it('when the policies are listed, then each one selects pods that exist in the build', () => {
    const podLabels = [
      ...ofKind(objects, 'Deployment').map((d) => d.spec.template.metadata.labels),
      ...ofKind(objects, 'Cluster').map((c) => ({ 'cnpg.io/cluster': c.metadata.name })),
    ];
    for (const np of ofKind(objects, 'NetworkPolicy')) {
      const sel = np.spec.podSelector.matchLabels as Record<string, string>;
      expect(podLabels.some((l) => Object.entries(sel).every(([k, v]) => l[k] === v))).toBe(true);
    }
  });
});
