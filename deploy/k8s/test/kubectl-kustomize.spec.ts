// The overlays built by the in-repo kustomize subset (support/kustomize.ts) are the objects
// `kubectl kustomize` builds, where kubectl exists (it has kustomize built in). Without kubectl
// this suite is reported as skipped, and the other suites still check the subset's build.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { K8S_DIR, type K8sObject } from './support/kustomize';
import { build, OVERLAYS } from './support/overlays';

const kubectl = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
const available = kubectl.status === 0;
const kustomizeVersion = available
  ? (JSON.parse(kubectl.stdout) as { kustomizeVersion?: string }).kustomizeVersion
  : undefined;

const key = (o: K8sObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const sorted = (objects: K8sObject[]) =>
  Object.fromEntries(
    [...objects].sort((a, b) => (key(a) < key(b) ? -1 : 1)).map((o) => [key(o), o]),
  );

describe(`kubectl kustomize (${kustomizeVersion ?? 'kubectl not on PATH: skipped'})`, () => {
  for (const overlay of OVERLAYS)
    (available ? it : it.skip)(
      `when overlays/${overlay} is built by kubectl, then it gives the same objects`,
      () => {
        const out = spawnSync('kubectl', ['kustomize', join(K8S_DIR, 'overlays', overlay)], {
          encoding: 'utf8',
        });
        expect(out.stderr).toBe('');
        const theirs = parseAllDocuments(out.stdout).map((d) => d.toJS() as K8sObject);
        expect(sorted(build(overlay))).toEqual(sorted(theirs));
      },
    );
});
