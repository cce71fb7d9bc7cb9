/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped YAML data */
// The Gateway routes only public /v1 APIs of the code: never /admin (fault injection, DLQ
// redrive), /metrics, /health or /docs, and nothing of payment and inventory.
import { adminAddress } from '@rc/platform';
import { platformPrefixes, services } from './support/code-facts';
import { build, configOf, get, ofKind, OVERLAYS } from './support/overlays';

describe.each(OVERLAYS)('exposure in overlays/%s', (overlay) => {
  const objects = build(overlay);
  const routes = ofKind(objects, 'HTTPRoute');
  const rules = routes.flatMap((r) => r.spec.rules);

  it('when a path is routed, then it is a /v1 controller prefix of the backend service, on its port', () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.backendRefs).toHaveLength(1);
      const backend = rule.backendRefs[0];
      const facts = services().find((s) => s.name === backend.name)!;
      expect(backend.port).toBe(facts.port);
      for (const m of rule.matches) {
        expect(m.path.type).toBe('PathPrefix');
        expect(m.path.value).toMatch(/^\/v1\//);
        expect(facts.controllerPrefixes).toContain(m.path.value);
      }
    }
  });

  it('when the admin, metrics and health routes are listed, then none is reachable through a route', () => {
    const paths = rules.flatMap((r) => r.matches.map((m: any) => m.path.value as string));
    const internal = [
      ...platformPrefixes(),
      ...services().flatMap((s) => s.controllerPrefixes.filter((p) => p.startsWith('/admin'))),
    ];
    expect(internal).toEqual(expect.arrayContaining(['/admin/faults', '/metrics', '/health']));
    for (const p of paths)
      for (const i of internal) expect(p.startsWith(i) || i.startsWith(p) || p === '/').toBe(false);
  });

  it('when a service runs, then its admin API (ADMIN_PORT) stays on the pod loopback: no Service or container port', () => {
    for (const facts of services()) {
      const deployment = get(objects, 'Deployment', facts.name);
      const config = { ...facts.defaults, ...configOf(objects, deployment) };
      // Operators reach it with `kubectl port-forward deploy/<service> <admin port>`.
      const admin = adminAddress({
        PORT: Number(config.PORT),
        ADMIN_PORT: config.ADMIN_PORT === undefined ? undefined : Number(config.ADMIN_PORT),
        ADMIN_HOST: String(config.ADMIN_HOST),
      });
      expect(admin.host).toBe('127.0.0.1');
      const ports = get(objects, 'Service', facts.name).spec.ports.flatMap((p: any) => [
        p.port,
        p.targetPort,
      ]);
      const containerPorts = deployment.spec.template.spec.containers.flatMap((c: any) =>
        (c.ports ?? []).map((p: any) => p.containerPort),
      );
      expect(ports).not.toContain(admin.port);
      expect(containerPorts).not.toContain(admin.port);
    }
  });

  it('when payment and inventory are exposed, then they are not: no route points at them', () => {
    const backends = rules.map((r) => r.backendRefs[0].name);
    expect(backends).not.toContain('payment');
    expect(backends).not.toContain('inventory');
  });

  it('when routes attach, then each parent is a Gateway of the build', () => {
    const gateways = ofKind(objects, 'Gateway').map((g) => g.metadata.name);
    for (const r of routes) for (const p of r.spec.parentRefs) expect(gateways).toContain(p.name);
  });
});
