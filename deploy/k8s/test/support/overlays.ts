/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped YAML data */
/** The two overlays built once per test file, and lookups into their objects. */
import { join } from 'node:path';
import { K8S_DIR, kustomizeBuild, type K8sObject } from './kustomize';

/** The overlays of deploy/k8s/overlays. */
export const OVERLAYS = ['local', 'production'] as const;
export type Overlay = (typeof OVERLAYS)[number];

const built = new Map<Overlay, K8sObject[]>();

/** The objects `kubectl kustomize deploy/k8s/overlays/<overlay>` gives. */
export function build(overlay: Overlay): K8sObject[] {
  let objects = built.get(overlay);
  if (!objects) {
    objects = kustomizeBuild(join(K8S_DIR, 'overlays', overlay));
    built.set(overlay, objects);
  }
  return objects;
}

/** Objects of one kind. */
export function ofKind<T = any>(objects: K8sObject[], kind: string): T[] {
  return objects.filter((o) => o.kind === kind) as T[];
}

/** The one object of `kind` named `name`; throws when absent. */
export function get<T = any>(objects: K8sObject[], kind: string, name: string): T {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o as T;
}

/** The ConfigMap a Deployment's first container takes its environment from, as a map. */
export function configOf(objects: K8sObject[], deployment: any): Record<string, string> {
  const ref = deployment.spec.template.spec.containers[0].envFrom?.[0]?.configMapRef?.name;
  return ref ? (get(objects, 'ConfigMap', ref).data ?? {}) : {};
}
