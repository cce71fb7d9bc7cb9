// Every topic and dead-letter topic the code creates has a KafkaTopic, with the code's
// partitions and settings; production replicates each 3 times with min.insync.replicas 2.
import { build, get, ofKind, OVERLAYS } from './support/overlays';
import { topicNames, topicsTheCodeCreates } from './support/topics';

describe('kafka', () => {
  it('when the services name their topics, then each domain topic has a source in the code', () => {
    const names = topicNames();
    expect([...names.keys()].sort()).toEqual(['carts', 'inventory', 'orders', 'payments']);
  });

  it.each(OVERLAYS)(
    'when overlays/%s is built, then every topic the code creates has a KafkaTopic with its partitions and config, and no other',
    async (overlay) => {
      const objects = build(overlay);
      const created = await topicsTheCodeCreates();
      const topics = ofKind(objects, 'KafkaTopic');
      expect(topics.map((t) => t.spec.topicName ?? t.metadata.name).sort()).toEqual(
        created.map((t) => t.topic).sort(),
      );
      for (const want of created) {
        const t = topics.find((x) => (x.spec.topicName ?? x.metadata.name) === want.topic);
        expect(t.metadata.labels['strimzi.io/cluster']).toBe('rc-kafka');
        expect(t.spec.partitions).toBe(want.numPartitions);
        for (const { name, value } of want.configEntries ?? [])
          expect(String(t.spec.config[name])).toBe(value);
      }
    },
  );

  it('when production runs, then 3 KRaft brokers across zones replicate every topic 3 times with min.insync.replicas 2', () => {
    const objects = build('production');
    const kafka = get(objects, 'Kafka', 'rc-kafka');
    const pool = get(objects, 'KafkaNodePool', 'dual-role');
    expect(kafka.metadata.annotations).toMatchObject({
      'strimzi.io/kraft': 'enabled',
      'strimzi.io/node-pools': 'enabled',
    });
    expect(pool.spec.replicas).toBe(3);
    expect(pool.spec.roles.sort()).toEqual(['broker', 'controller']);
    expect(kafka.spec.kafka.rack.topologyKey).toBe('topology.kubernetes.io/zone');
    expect(kafka.spec.kafka.config).toMatchObject({
      'auto.create.topics.enable': false,
      'default.replication.factor': 3,
      'min.insync.replicas': 2,
      'offsets.topic.replication.factor': 3,
      'transaction.state.log.replication.factor': 3,
    });
    for (const t of ofKind(objects, 'KafkaTopic')) {
      expect(t.spec.replicas).toBe(3);
      expect(t.spec.config['min.insync.replicas']).toBe(2);
    }
  });

  it.each(OVERLAYS)(
    'when overlays/%s is built, then KAFKA_BROKERS of every service is the cluster bootstrap on the listener port',
    (overlay) => {
      const objects = build(overlay);
      const kafka = get(objects, 'Kafka', 'rc-kafka');
      const port = kafka.spec.kafka.listeners[0].port;
      for (const cm of ofKind(objects, 'ConfigMap').filter((c) => c.data?.KAFKA_BROKERS))
        expect(cm.data.KAFKA_BROKERS).toBe(`rc-kafka-kafka-bootstrap:${port}`);
    },
  );
});
