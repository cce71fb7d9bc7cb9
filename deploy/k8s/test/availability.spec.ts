/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped YAML data */
// Replicas, zones, budgets and autoscalers per tier: tier 1 never below 2 pods in production,
// spread over zones; budgets that never block a drain; CPU autoscaling for tier 1, Kafka-lag
// autoscaling for the consumers, with a ceiling the topics' partitions can feed.
import { services } from './support/code-facts';
import { build, get, ofKind, OVERLAYS } from './support/overlays';
import { topicsTheCodeCreates } from './support/topics';

const minReplicasOf = (objects: any[], name: string): number => {
  const hpa = objects.find(
    (o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.name === name,
  );
  const so = objects.find((o) => o.kind === 'ScaledObject' && o.spec.scaleTargetRef.name === name);
  return (
    hpa?.spec.minReplicas ??
    so?.spec.minReplicaCount ??
    get(objects, 'Deployment', name).spec.replicas
  );
};

describe.each(OVERLAYS)('availability in overlays/%s', (overlay) => {
  const objects = build(overlay);

  it.each(services().map((s) => [s.name]))(
    'when %s is autoscaled, then its Deployment starts at the minimum and only one autoscaler drives it',
    (name) => {
      const drivers = objects.filter(
        (o: any) =>
          ['HorizontalPodAutoscaler', 'ScaledObject'].includes(o.kind) &&
          o.spec.scaleTargetRef.name === name,
      );
      expect(drivers.length).toBeLessThanOrEqual(1);
      expect(get(objects, 'Deployment', name).spec.replicas).toBe(minReplicasOf(objects, name));
    },
  );

  it.each(services().map((s) => [s.name]))(
    'when nodes are drained, then the budget of %s never blocks it',
    (name) => {
      const pdb = get(objects, 'PodDisruptionBudget', name);
      const min = minReplicasOf(objects, name);
      if (pdb.spec.minAvailable !== undefined) expect(pdb.spec.minAvailable).toBeLessThan(min);
      else expect(pdb.spec.maxUnavailable).toBeGreaterThanOrEqual(1);
    },
  );

  it('when tier 1 is loaded, then a CPU HorizontalPodAutoscaler (autoscaling/v2) scales each tier-1 service', () => {
    for (const s of services().filter((x) => x.tier === 1)) {
      const hpa = get(objects, 'HorizontalPodAutoscaler', s.name);
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      expect(hpa.spec.scaleTargetRef).toEqual({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: s.name,
      });
      expect(hpa.spec.metrics.map((m: any) => m.resource.name)).toEqual(['cpu']);
    }
  });

  it('when a consumer lags, then KEDA scales analytics and recommendations on their own consumer group, up to the partitions', async () => {
    const partitions = Math.min(
      ...(await topicsTheCodeCreates())
        .filter((t) => !t.topic.endsWith('.dlq'))
        .map((t) => t.numPartitions ?? 1),
    );
    for (const name of ['analytics', 'recommendations']) {
      const facts = services().find((s) => s.name === name)!;
      const so = get(objects, 'ScaledObject', name);
      const trigger = so.spec.triggers[0];
      expect(trigger.type).toBe('kafka');
      expect(facts.consumerGroups).toContain(trigger.metadata.consumerGroup);
      const config = get(
        objects,
        'ConfigMap',
        get(objects, 'Deployment', name).spec.template.spec.containers[0].envFrom[0].configMapRef
          .name,
      ).data;
      expect(trigger.metadata.bootstrapServers).toBe(config.KAFKA_BROKERS);
      expect(so.spec.maxReplicaCount).toBeLessThanOrEqual(partitions);
    }
  });
});

describe('availability in overlays/production', () => {
  const objects = build('production');
  const zoneSpread = (d: any) =>
    d.spec.template.spec.topologySpreadConstraints.find(
      (t: any) => t.topologyKey === 'topology.kubernetes.io/zone',
    );

  it.each(
    services()
      .filter((s) => s.tier <= 2)
      .map((s) => [s.name, s.tier]),
  )(
    'when a zone fails, then %s (tier %s) keeps at least 2 replicas spread hard over zones and a budget of at least 1',
    (name) => {
      const d = get(objects, 'Deployment', name);
      expect(d.spec.replicas).toBeGreaterThanOrEqual(2);
      expect(zoneSpread(d)).toMatchObject({ maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' });
      expect(zoneSpread(d).labelSelector.matchLabels).toEqual(d.spec.selector.matchLabels);
      expect(get(objects, 'PodDisruptionBudget', name).spec.minAvailable).toBeGreaterThanOrEqual(1);
    },
  );

  it('when tier 1 is disrupted voluntarily, then two pods of each keep serving', () => {
    for (const s of services().filter((x) => x.tier === 1))
      expect(get(objects, 'PodDisruptionBudget', s.name).spec.minAvailable).toBeGreaterThanOrEqual(
        2,
      );
  });

  it('when every Deployment rolls out, then it never drops below its replicas (maxUnavailable 0)', () => {
    for (const d of ofKind(objects, 'Deployment').filter((x) => x.metadata.labels?.tier))
      expect(d.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });
});
