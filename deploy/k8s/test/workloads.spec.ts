/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped YAML data */
// Each service's Deployment matches its code: port, probe paths, shutdown grace, memory from the
// Compose limits; and is locked down: non-root, read-only root FS, no capabilities, no token.
import { healthPaths, services } from './support/code-facts';
import { build, configOf, get, ofKind, OVERLAYS } from './support/overlays';

const PRESTOP_MAX_SECONDS = 10;

describe.each(OVERLAYS)('workloads in overlays/%s', (overlay) => {
  const objects = build(overlay);

  it('when the services are listed, then each has a Deployment and a Service, and nothing else runs as a service', () => {
    const names = services()
      .map((s) => s.name)
      .sort();
    const apps = ofKind(objects, 'Deployment')
      .filter((d) => d.metadata.labels?.['app.kubernetes.io/part-of'] === 'resilient-commerce')
      .map((d) => d.metadata.name)
      .sort();
    expect(apps).toEqual(names);
    for (const n of names)
      expect(get(objects, 'Service', n).spec.ports[0].port).toBe(
        services().find((s) => s.name === n)!.port,
      );
  });

  describe.each(services().map((s) => [s.name, s] as const))('%s', (name, facts) => {
    const d = get(objects, 'Deployment', name);
    const pod = d.spec.template.spec;
    const c = pod.containers[0];
    const config = configOf(objects, d);

    it('when probed, then startup and liveness use the live route and readiness the ready route of the code, on its port', () => {
      const paths = healthPaths();
      const port = c.ports.find((p: any) => p.name === 'http');
      expect(port.containerPort).toBe(facts.port);
      expect(Number(config.PORT ?? facts.port)).toBe(facts.port);
      expect(c.startupProbe.httpGet).toEqual({ path: paths.live, port: 'http' });
      expect(c.livenessProbe.httpGet).toEqual({ path: paths.live, port: 'http' });
      expect(c.readinessProbe.httpGet).toEqual({ path: paths.ready, port: 'http' });
      expect(get(objects, 'Service', name).spec.ports[0].targetPort).toBe('http');
    });

    it('when stopped, then the pause and the grace period cover SHUTDOWN_GRACE_MS like Compose does', () => {
      const graceMs = Number(config.SHUTDOWN_GRACE_MS ?? facts.defaults.SHUTDOWN_GRACE_MS);
      const preStop = c.lifecycle.preStop.sleep.seconds as number;
      expect(preStop).toBeGreaterThan(0);
      expect(preStop).toBeLessThanOrEqual(PRESTOP_MAX_SECONDS);
      // Compose gives the drain plus time to close the pools (stop_grace_period - grace):
      // Kubernetes counts the preStop pause inside the grace period, so it adds it.
      const closing = facts.composeStopGraceSeconds - graceMs / 1000;
      expect(closing).toBeGreaterThan(0);
      expect(pod.terminationGracePeriodSeconds).toBe(preStop + graceMs / 1000 + closing);
    });

    it('when resources are set, then memory is the Compose limit (request = limit), the CPU request its cpu_shares, and CPU is bounded', () => {
      const mem = `${facts.composeMemoryMiB}Mi`;
      expect(c.resources.limits.memory).toBe(mem);
      expect(c.resources.requests.memory).toBe(mem);
      expect(c.resources.limits.cpu).toBeDefined();
      expect(c.resources.requests.cpu).toBeDefined();
      // Compose's cpu_shares (tier weight) as the CPU request: 1024 shares = 256m (Kubernetes turns
      // requests back into cgroup weights, so the tiers keep their ratio under contention).
      expect(c.resources.requests.cpu).toBe(`${facts.composeCpuShares / 4}m`);
      if (facts.composeCpus !== undefined)
        expect(Number(c.resources.limits.cpu)).toBe(facts.composeCpus);
    });

    it('when run, then it is non-root, with a read-only root filesystem, no capabilities and no API token', () => {
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.securityContext.seccompProfile.type).toBe('RuntimeDefault');
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(pod.hostNetwork ?? false).toBe(false);
    });

    it('when disrupted, then a PodDisruptionBudget selects its pods', () => {
      const pdbs = ofKind(objects, 'PodDisruptionBudget').filter(
        (p) => p.spec.selector.matchLabels['app.kubernetes.io/name'] === name,
      );
      expect(pdbs).toHaveLength(1);
      expect(d.spec.template.metadata.labels).toMatchObject(pdbs[0].spec.selector.matchLabels);
    });
  });
});
