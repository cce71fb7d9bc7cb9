/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped YAML data */
// Config lives in ConfigMaps that each service's own schema accepts in production (with the
// secrets filled in); secrets are referenced from Secrets that are never in the build; the
// Postgres connection budget holds every replica's pool.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateServiceKeyPair } from '@rc/platform';
import { services } from './support/code-facts';
import { K8S_DIR } from './support/kustomize';
import { build, configOf, get, ofKind, OVERLAYS } from './support/overlays';

const readme = () => readFileSync(join(K8S_DIR, 'README.md'), 'utf8');

/** A service-token key pair, for the Secrets that hold a key (the schema parses them). */
const tokenKeys = generateServiceKeyPair();

/** A value the service's schema accepts in place of the Secret's. */
function secretPlaceholder(key: string, service: string): string {
  if (key === 'DATABASE_URL') return `postgresql://u:p@${service}-db-rw:5432/rc_${service}`;
  if (key === 'SERVICE_TOKEN_KEY') return tokenKeys.privateKey;
  if (key === 'SERVICE_TOKEN_TRUSTED_KEYS') return `checkout=${tokenKeys.publicKey}`;
  if (key === 'CUSTOMER_TOKEN_PUBLIC_KEYS') return tokenKeys.publicKey;
  return `placeholder-${key}-0123456789`;
}

describe.each(OVERLAYS)('config in overlays/%s', (overlay) => {
  const objects = build(overlay);

  it('when the build is listed, then it holds no Secret and no secret value', () => {
    expect(ofKind(objects, 'Secret')).toEqual([]);
  });

  it.each(services().map((s) => [s.name, s]))(
    'when %s starts in production, then its schema accepts the ConfigMap plus its secret references',
    (name, facts) => {
      const d = get(objects, 'Deployment', name);
      const c = d.spec.template.spec.containers[0];
      const config = configOf(objects, d);
      const fromSecrets = Object.fromEntries(
        (c.env ?? [])
          .filter((e: any) => e.valueFrom?.secretKeyRef)
          .map((e: any) => [e.name, secretPlaceholder(e.name, name)]),
      );
      const parsed = facts.schema.safeParse({ ...config, ...fromSecrets });
      expect(parsed.error?.issues ?? []).toEqual([]);
      expect(config.NODE_ENV).toBe('production');
      for (const key of Object.keys(config)) expect(Object.keys(facts.schema.shape)).toContain(key);
      // No secret sits in the ConfigMap, and every secret key with a development default comes
      // from a Secret (or the default would be used). One without a default is either required
      // (the parse above fails without it) or needed only by a setting this deployment does not
      // make: KAFKA_SASL_PASSWORD with the plaintext Strimzi listener.
      for (const key of facts.secretKeys) {
        expect(config[key]).toBeUndefined();
        if (facts.defaults[key] !== undefined) expect(fromSecrets[key]).toBeDefined();
      }
      if (facts.hasDatabase)
        expect(c.env.find((e: any) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef).toEqual({
          name: `${name}-db-app`,
          key: 'uri',
        });
    },
  );

  it('when secrets are referenced, then each one is created by an operator or documented in the README', () => {
    const generated = new Set(ofKind(objects, 'Cluster').map((c) => `${c.metadata.name}-app`));
    const refs = ofKind(objects, 'Deployment').flatMap((d) =>
      (d.spec.template.spec.containers[0].env ?? [])
        .map((e: any) => e.valueFrom?.secretKeyRef)
        .filter(Boolean),
    );
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs)
      if (!generated.has(ref.name)) {
        const line = readme()
          .split('\n')
          .find((l) => l.includes(`create secret generic ${ref.name} `));
        expect(line).toContain(`--from-literal=${ref.key}=`);
      }
  });

  it('when services verify customer tokens, then they all read the identity provider’s keys from one Secret', () => {
    // Arrange
    const verifiers = services().filter((s) => 'CUSTOMER_TOKEN_PUBLIC_KEYS' in s.schema.shape);

    // Act
    const refs = verifiers.map((s) => {
      const c = get(objects, 'Deployment', s.name).spec.template.spec.containers[0];
      return c.env.find((e: any) => e.name === 'CUSTOMER_TOKEN_PUBLIC_KEYS')?.valueFrom
        ?.secretKeyRef;
    });

    // Assert
    expect(verifiers.map((s) => s.name).sort()).toEqual(['cart', 'checkout']);
    for (const ref of refs)
      expect(ref).toEqual({ name: 'identity-provider', key: 'CUSTOMER_TOKEN_PUBLIC_KEYS' });
  });

  it('when a service is routed by the Gateway, then it believes one proxy hop for the client address, and no other service believes any', () => {
    // Arrange
    const routed = new Set(
      ofKind(objects, 'HTTPRoute').flatMap((r) =>
        r.spec.rules.flatMap((rule: any) => rule.backendRefs.map((b: any) => b.name)),
      ),
    );

    // Act
    const trustProxyOf = (name: string) =>
      configOf(objects, get(objects, 'Deployment', name)).TRUST_PROXY;

    // Assert
    expect(routed.size).toBeGreaterThan(0);
    for (const s of services())
      expect([s.name, trustProxyOf(s.name)]).toEqual([
        s.name,
        routed.has(s.name) ? '1' : undefined,
      ]);
  });

  it.each(
    services()
      .filter((s) => s.hasDatabase)
      .map((s) => [s.name, s]),
  )(
    'when %s runs at its most replicas, then their pools fit its database max_connections',
    (name, facts) => {
      const hpa = ofKind(objects, 'HorizontalPodAutoscaler').find(
        (h) => h.spec.scaleTargetRef.name === name,
      );
      const so = ofKind(objects, 'ScaledObject').find((s) => s.spec.scaleTargetRef.name === name);
      const replicas =
        hpa?.spec.maxReplicas ??
        so?.spec.maxReplicaCount ??
        get(objects, 'Deployment', name).spec.replicas;
      const pool = Number(
        configOf(objects, get(objects, 'Deployment', name)).DATABASE_POOL_MAX ??
          facts.defaults.DATABASE_POOL_MAX,
      );
      const max = Number(
        get(objects, 'Cluster', `${name}-db`).spec.postgresql.parameters.max_connections,
      );
      const reserved = 10; // superuser, the operator, replication
      expect(pool * replicas + reserved).toBeLessThanOrEqual(max);
    },
  );
});
