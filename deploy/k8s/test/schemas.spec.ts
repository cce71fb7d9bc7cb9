/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped YAML data */
// Every object the overlays produce is valid against its published schema: kubernetes-models for
// core kinds, the @kubernetes-models packages of the Strimzi, CloudNativePG, KEDA,
// prometheus-operator and Gateway API CRDs for theirs (support/validate-schemas.mjs).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { K8sObject } from './support/kustomize';
import { build, get, OVERLAYS } from './support/overlays';

function validate(objects: unknown[]): { id: string; error?: string }[] {
  const out = spawnSync(process.execPath, [join(__dirname, 'support/validate-schemas.mjs')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(out.stderr);
  return JSON.parse(out.stdout) as { id: string; error?: string }[];
}

describe('schemas', () => {
  it.each(OVERLAYS)('when overlays/%s is built, then every object passes its schema', (overlay) => {
    const objects = build(overlay);
    const results = validate(objects);
    expect(results).toHaveLength(objects.length);
    expect(results.filter((r) => r.error)).toEqual([]);
  });

  it('when objects break their schemas, then each is refused (the validator can fail)', () => {
    const objects = build('production');
    const broken = (kind: string, name: string, mutate: (o: any) => void): K8sObject => {
      const o = structuredClone(get(objects, kind, name));
      mutate(o);
      return o;
    };
    const results = validate([
      broken(
        'Deployment',
        'checkout',
        (o) => (o.spec.template.spec.containers[0].ports[0].containerPort = 'http'),
      ),
      broken('KafkaTopic', 'orders', (o) => (o.spec.partitions = 'three')),
      broken('Cluster', 'checkout-db', (o) => (o.spec.instances = -1)),
      broken('ScaledObject', 'analytics', (o) => delete o.spec.scaleTargetRef),
      broken('ServiceMonitor', 'checkout', (o) => (o.spec.endpoints = 'http')),
      broken('HTTPRoute', 'public-api', (o) => (o.spec.rules[0].matches[0].path.type = 'Glob')),
      { apiVersion: 'example.com/v1', kind: 'Unknown', metadata: { name: 'x' } },
    ]);
    expect(results.map((r) => Boolean(r.error))).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
  });
});
