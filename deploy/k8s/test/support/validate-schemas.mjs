#!/usr/bin/env node
// Validates Kubernetes objects against their published schemas with kubernetes-models (core
// kinds) and the @kubernetes-models packages of the operators' CRDs (Strimzi, CloudNativePG,
// KEDA, prometheus-operator, Gateway API). Those packages are ES modules only, so Jest runs this
// file as a child process: a JSON array of objects on stdin, a JSON array of
// { id, error? } on stdout, one per object. An object of a kind with no schema here is an error.
import { readFileSync } from 'node:fs';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Kafka } from '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2/Kafka';
import { KafkaNodePool } from '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2/KafkaNodePool';
import { KafkaTopic } from '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2/KafkaTopic';
import { Cluster } from '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/Cluster';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { Gateway } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway';
import { HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';

const models = [
  Namespace,
  Service,
  ConfigMap,
  PersistentVolumeClaim,
  Deployment,
  PodDisruptionBudget,
  HorizontalPodAutoscaler,
  NetworkPolicy,
  Kafka,
  KafkaNodePool,
  KafkaTopic,
  Cluster,
  ScaledObject,
  ServiceMonitor,
  PrometheusRule,
  Gateway,
  HTTPRoute,
];
const byType = new Map(models.map((m) => [`${m.apiVersion}/${m.kind}`, m]));

const objects = JSON.parse(readFileSync(0, 'utf8'));
const results = objects.map((o) => {
  const id = `${o.apiVersion}/${o.kind}/${o.metadata?.name}`;
  const Model = byType.get(`${o.apiVersion}/${o.kind}`);
  if (!Model) return { id, error: `no schema for ${o.apiVersion} ${o.kind}` };
  try {
    new Model(o).validate();
    return { id };
  } catch (e) {
    return { id, error: String(e?.message ?? e) };
  }
});
process.stdout.write(JSON.stringify(results));
