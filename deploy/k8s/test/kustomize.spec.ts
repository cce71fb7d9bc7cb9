/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped YAML data */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyJsonPatch } from './support/json-patch';
import { configMapHash, kustomizeBuild } from './support/kustomize';

function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kustomize-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: web
          image: rc/web:1.0
          envFrom: [{ configMapRef: { name: web-config } }]
`;

describe('kustomize subset', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const build = (files: Record<string, string>) => {
    const dir = fixture(files);
    dirs.push(dir);
    return kustomizeBuild(dir);
  };

  it('when a ConfigMap is generated, then its name carries the hash kubectl gives it and references follow', () => {
    const [cm, web] = build({
      'kustomization.yaml':
        'resources: [web.yaml]\nconfigMapGenerator:\n  - { name: web-config, envs: [web.env] }\n',
      'web.yaml': deployment,
      'web.env': '# comment\nA=1\n',
    }) as any[];
    // `kubectl kustomize` (kustomize v5.5.0) names a ConfigMap with data {A: "1"} cfg-89g4tffbfk.
    expect(configMapHash({ A: '1' })).toBe('89g4tffbfk');
    expect(cm.metadata.name).toBe('web-config-89g4tffbfk');
    expect(web.spec.template.spec.containers[0].envFrom[0].configMapRef.name).toBe(
      cm.metadata.name,
    );
  });

  it('when transformers are set, then patches, namespace, replicas and images apply as in kustomize', () => {
    const objects = build({
      'kustomization.yaml': `namespace: shop
resources: [web.yaml, ns.yaml]
replicas: [{ name: web, count: 3 }]
images: [{ name: rc/web, newName: reg.example/web, newTag: '2.0' }]
patches:
  - target: { kind: Deployment, name: w.b }
    patch: |
      - { op: add, path: /metadata/labels, value: { a~b/c: x } }
      - { op: replace, path: /metadata/labels/a~0b~1c, value: y }
`,
      'web.yaml': deployment,
      'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: other }\n',
    }) as any[];
    const web = objects.find((o) => o.kind === 'Deployment');
    expect(web.metadata).toEqual({ name: 'web', namespace: 'shop', labels: { 'a~b/c': 'y' } });
    expect(web.spec.replicas).toBe(3);
    expect(web.spec.template.spec.containers[0].image).toBe('reg.example/web:2.0');
    expect(objects.find((o) => o.kind === 'Namespace').metadata).toEqual({ name: 'shop' });
  });

  it('when a kustomization uses a field outside the subset, then the build refuses it', () => {
    expect(() =>
      build({
        'kustomization.yaml': 'resources: [web.yaml]\ncommonLabels: { a: b }\n',
        'web.yaml': deployment,
      }),
    ).toThrow(/commonLabels.*outside the subset/);
  });

  it('when a patch targets nothing or a strategic merge patch is given, then the build fails', () => {
    expect(() =>
      build({
        'kustomization.yaml':
          'resources: [web.yaml]\npatches:\n  - { target: { kind: Service }, patch: "[]" }\n',
        'web.yaml': deployment,
      }),
    ).toThrow(/matches nothing/);
    expect(() =>
      build({
        'kustomization.yaml':
          'resources: [web.yaml]\npatches:\n  - { target: { kind: Deployment }, patch: "spec: {}" }\n',
        'web.yaml': deployment,
      }),
    ).toThrow(/only JSON 6902/);
  });

  it('when JSON patch operations run, then they follow RFC 6902 and fail on a missing path', () => {
    const doc = { a: [1, 2], b: { c: 1 } };
    applyJsonPatch(doc, [
      { op: 'add', path: '/a/-', value: 3 },
      { op: 'add', path: '/a/0', value: 0 },
      { op: 'remove', path: '/a/1' },
      { op: 'move', from: '/b/c', path: '/d' },
      { op: 'copy', from: '/d', path: '/e' },
      { op: 'test', path: '/e', value: 1 },
    ]);
    expect(doc).toEqual({ a: [0, 2, 3], b: {}, d: 1, e: 1 });
    expect(() => applyJsonPatch(doc, [{ op: 'replace', path: '/x/y', value: 1 }])).toThrow();
    expect(() => applyJsonPatch(doc, [{ op: 'test', path: '/d', value: 2 }])).toThrow(
      /test failed/,
    );
  });
});
