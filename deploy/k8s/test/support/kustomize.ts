/**
 * The subset of kustomize (v5 API semantics) that deploy/k8s uses, so the overlays can be built
 * and checked where no `kubectl kustomize` exists. Where kubectl exists, kubectl-kustomize.spec.ts
 * proves both give the same objects. Fields outside the subset are refused, not ignored, so a
 * kustomization cannot silently mean something else here than in kubectl.
 *
 * Supported: resources (files and directories), namespace, configMapGenerator (envs, literals,
 * behavior create/merge; name suffix hash and name references in pod templates), patches
 * (JSON 6902 only, inline or from a file, with a target of kind/name/group/version), replicas,
 * images. Transformers run in kustomize's order: patches, namespace, replicas, images.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { applyJsonPatch, type PatchOperation } from './json-patch';

/** A Kubernetes object as plain data. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

interface Generated {
  object: K8sObject;
  /** The generator's name, before the hash suffix. */
  name: string;
}

interface Built {
  objects: K8sObject[];
  generated: Generated[];
}

const SUPPORTED = new Set([
  'apiVersion',
  'kind',
  'resources',
  'namespace',
  'configMapGenerator',
  'patches',
  'replicas',
  'images',
]);

/** Kinds that are not namespaced among those this repository could use. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'PersistentVolume',
  'GatewayClass',
  'PriorityClass',
]);

/** Parses every YAML document of a file into objects (empty documents skipped). */
export function readObjects(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]?.message}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

/** Builds the kustomization in `dir`; returns the final objects (hash suffixes applied). */
export function kustomizeBuild(dir: string): K8sObject[] {
  const built = buildDir(resolve(dir));
  return finalizeGenerated(built);
}

function buildDir(dir: string): Built {
  const file = ['kustomization.yaml', 'kustomization.yml', 'Kustomization']
    .map((f) => join(dir, f))
    .find((f) => existsSync(f));
  if (!file) throw new Error(`no kustomization file in ${dir}`);
  const k = parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const key of Object.keys(k))
    if (!SUPPORTED.has(key)) throw new Error(`${file}: field '${key}' is outside the subset`);

  const built: Built = { objects: [], generated: [] };
  for (const entry of (k.resources as string[] | undefined) ?? []) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      const sub = buildDir(path);
      built.objects.push(...sub.objects);
      built.generated.push(...sub.generated);
    } else built.objects.push(...readObjects(path));
  }
  for (const g of (k.configMapGenerator as Record<string, unknown>[] | undefined) ?? [])
    generateConfigMap(dir, g, built);
  assertUnique(built);

  const all = () => [...built.objects, ...built.generated.map((g) => g.object)];
  for (const p of (k.patches as Record<string, unknown>[] | undefined) ?? [])
    applyPatch(dir, p, all());
  // As kustomize does, a Namespace object in the build is renamed to the namespace.
  if (typeof k.namespace === 'string')
    for (const o of all())
      if (o.kind === 'Namespace') o.metadata.name = k.namespace;
      else if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
  for (const r of (k.replicas as { name: string; count: number }[] | undefined) ?? [])
    setReplicas(built.objects, r.name, r.count);
  for (const image of (k.images as ImageRule[] | undefined) ?? []) setImages(built.objects, image);
  return built;
}

function assertUnique(built: Built): void {
  const seen = new Set<string>();
  for (const o of [...built.objects, ...built.generated.map((g) => g.object)]) {
    const id = `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (seen.has(id)) throw new Error(`duplicate object ${id}`);
    seen.add(id);
  }
}

function parseEnvFile(text: string): Record<string, string> {
  const data: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`env line without key=value: ${line}`);
    data[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return data;
}

function generateConfigMap(dir: string, g: Record<string, unknown>, built: Built): void {
  const name = g.name as string;
  const data: Record<string, string> = {};
  for (const env of (g.envs as string[] | undefined) ?? [])
    Object.assign(data, parseEnvFile(readFileSync(join(dir, env), 'utf8')));
  for (const literal of (g.literals as string[] | undefined) ?? []) {
    const eq = literal.indexOf('=');
    data[literal.slice(0, eq)] = literal.slice(eq + 1);
  }
  const behavior = (g.behavior as string | undefined) ?? 'create';
  const existing = built.generated.find((x) => x.name === name);
  if (behavior === 'merge' || behavior === 'replace') {
    if (!existing) throw new Error(`configMapGenerator ${name}: nothing to ${behavior}`);
    existing.object.data =
      behavior === 'merge' ? { ...(existing.object.data as object), ...data } : data;
    return;
  }
  if (existing) throw new Error(`configMapGenerator ${name} already exists (use behavior: merge)`);
  built.generated.push({
    name,
    object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data },
  });
}

interface Target {
  kind?: string;
  name?: string;
  group?: string;
  version?: string;
}

function matches(o: K8sObject, t: Target): boolean {
  const [group, version] = o.apiVersion.includes('/')
    ? (o.apiVersion.split('/') as [string, string])
    : ['', o.apiVersion];
  const re = (s: string) => new RegExp(`^(?:${s})$`);
  return (
    (t.kind === undefined || re(t.kind).test(o.kind)) &&
    (t.name === undefined || re(t.name).test(o.metadata.name)) &&
    (t.group === undefined || t.group === group) &&
    (t.version === undefined || t.version === version)
  );
}

function applyPatch(dir: string, p: Record<string, unknown>, objects: K8sObject[]): void {
  for (const key of Object.keys(p))
    if (!['path', 'patch', 'target'].includes(key)) throw new Error(`patch field '${key}'`);
  const text =
    typeof p.path === 'string' ? readFileSync(join(dir, p.path), 'utf8') : (p.patch as string);
  const ops = parseYaml(text) as unknown;
  if (!Array.isArray(ops)) throw new Error('only JSON 6902 patches (a list of operations)');
  const target = p.target as Target | undefined;
  if (!target) throw new Error('a JSON 6902 patch needs a target');
  const hits = objects.filter((o) => matches(o, target));
  if (hits.length === 0) throw new Error(`patch target matches nothing: ${JSON.stringify(target)}`);
  for (const o of hits) applyJsonPatch(o, ops as PatchOperation[]);
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);

function setReplicas(objects: K8sObject[], name: string, count: number): void {
  const hits = objects.filter((o) => WORKLOADS.has(o.kind) && o.metadata.name === name);
  if (hits.length === 0) throw new Error(`replicas: no workload named ${name}`);
  for (const o of hits) (o.spec as Record<string, unknown>).replicas = count;
}

interface ImageRule {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

interface PodSpec {
  containers?: {
    image?: string;
    envFrom?: { configMapRef?: { name: string } }[];
    env?: { valueFrom?: { configMapKeyRef?: { name: string } } }[];
  }[];
  initContainers?: { image?: string }[];
  volumes?: { configMap?: { name: string } }[];
}

function podSpecOf(o: K8sObject): PodSpec | undefined {
  if (!WORKLOADS.has(o.kind)) return undefined;
  return (o.spec as { template?: { spec?: PodSpec } }).template?.spec;
}

function setImages(objects: K8sObject[], rule: ImageRule): void {
  for (const o of objects) {
    const pod = podSpecOf(o);
    for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
      if (!c.image) continue;
      const m = /^(.*?)(?::([^:/@]+))?(?:@(.+))?$/.exec(c.image);
      if (!m || m[1] !== rule.name) continue;
      const name = rule.newName ?? m[1];
      if (rule.digest) c.image = `${name}@${rule.digest}`;
      else c.image = `${name}${rule.newTag ? `:${rule.newTag}` : m[2] ? `:${m[2]}` : ''}`;
    }
  }
}

/**
 * kustomize's name suffix: sha256 of the ConfigMap's JSON encoding, 10 characters, re-lettered.
 * kustomize's hasher looks the name up as `metadata/name` with a lookup that takes the path as one
 * field name, so it always hashes an empty name; the cross-check against kubectl pins that down.
 */
export function configMapHash(data: Record<string, string>): string {
  // Go's json.Marshal: map keys sorted, and <, >, & escaped.
  const sorted = Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : 1)));
  const json = JSON.stringify({ data: sorted, kind: 'ConfigMap', name: '' })
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026');
  const hex = createHash('sha256').update(json).digest('hex').slice(0, 10);
  const swap: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...hex].map((c) => swap[c] ?? c).join('');
}

function finalizeGenerated(built: Built): K8sObject[] {
  const renamed = new Map<string, string>();
  for (const g of built.generated) {
    const hashed = `${g.name}-${configMapHash(g.object.data as Record<string, string>)}`;
    renamed.set(g.name, hashed);
    g.object.metadata.name = hashed;
  }
  for (const o of built.objects) {
    const pod = podSpecOf(o);
    for (const c of pod?.containers ?? []) {
      for (const e of c.envFrom ?? [])
        if (e.configMapRef)
          e.configMapRef.name = renamed.get(e.configMapRef.name) ?? e.configMapRef.name;
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.configMapKeyRef;
        if (ref) ref.name = renamed.get(ref.name) ?? ref.name;
      }
    }
    for (const v of pod?.volumes ?? [])
      if (v.configMap) v.configMap.name = renamed.get(v.configMap.name) ?? v.configMap.name;
  }
  return [...built.generated.map((g) => g.object), ...built.objects];
}

/** The directory of this package (deploy/k8s). */
export const K8S_DIR = resolve(dirname(__filename), '..', '..');
