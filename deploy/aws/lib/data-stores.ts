/**
 * The stateful services, all Multi-AZ, encrypted at rest with the platform key, in isolated
 * subnets with no public endpoint:
 * - one Aurora PostgreSQL cluster per service that owns a database (writer + reader in another
 *   zone: failover in about 30 s), as every service owns its own database in the code;
 * - ElastiCache Redis "state" (every service's REDIS_URL: carts, the recommendation model,
 *   rate-limit buckets: noeviction, snapshots) and "cache" (recommendations' response cache,
 *   REDIS_CACHE_URL: allkeys-lru, no snapshots), each a primary and a replica in two zones;
 * - Amazon MSK, 3 brokers in 3 zones, replication 3, min.insync.replicas 2, no auto creation.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as msk from 'aws-cdk-lib/aws-msk';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { ServiceSpec } from './catalogue.ts';

/** Characters a generated password leaves out, so it can sit in a postgres:// URL as is. */
const NOT_IN_URLS = ' %+~`#$&*()|[]{}:;<>?!\'/@"\\=^,';

/** A Redis replication group and how to reach it. */
export interface RedisStore {
  securityGroup: ec2.SecurityGroup;
  url: string;
}

/** Props of {@link DataStores}. */
export interface DataStoresProps {
  vpc: ec2.IVpc;
  key: kms.IKey;
  services: ServiceSpec[];
}

/** Aurora per owning service, two ElastiCache Redis, one MSK cluster. */
export class DataStores extends Construct {
  readonly databases = new Map<string, rds.DatabaseCluster>();
  readonly redis = new Map<'cache' | 'state', RedisStore>();
  readonly kafkaSecurityGroup: ec2.SecurityGroup;
  readonly kafkaBrokers: string;
  readonly kafkaClusterName = 'rc-kafka';

  constructor(scope: Construct, id: string, props: DataStoresProps) {
    super(scope, id);
    const isolated = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    for (const s of props.services.filter((x) => x.database)) {
      const instance = (name: string) =>
        rds.ClusterInstance.provisioned(name, {
          instanceType: ec2.InstanceType.of(ec2.InstanceClass.R7G, ec2.InstanceSize.LARGE),
          publiclyAccessible: false,
        });
      this.databases.set(
        s.name,
        new rds.DatabaseCluster(this, `${s.name}Db`, {
          engine: rds.DatabaseClusterEngine.auroraPostgres({
            version: rds.AuroraPostgresEngineVersion.VER_16_13,
          }),
          writer: instance('writer'),
          readers: [instance('reader')],
          vpc: props.vpc,
          vpcSubnets: isolated,
          defaultDatabaseName: `rc_${s.name}`,
          credentials: rds.Credentials.fromGeneratedSecret(`rc_${s.name}`, {
            excludeCharacters: NOT_IN_URLS,
          }),
          storageEncrypted: true,
          storageEncryptionKey: props.key,
          backup: { retention: Duration.days(7) },
          deletionProtection: true,
          removalPolicy: RemovalPolicy.SNAPSHOT,
        }),
      );
    }

    const isolatedIds = props.vpc.selectSubnets(isolated).subnetIds;
    const subnets = new elasticache.CfnSubnetGroup(this, 'RedisSubnets', {
      description: 'Isolated subnets of the Redis replication groups',
      subnetIds: isolatedIds,
    });
    for (const role of ['cache', 'state'] as const) {
      const sg = new ec2.SecurityGroup(this, `Redis${role}Sg`, {
        vpc: props.vpc,
        allowAllOutbound: false,
        description: `redis-${role}`,
      });
      const params = new elasticache.CfnParameterGroup(this, `Redis${role}Params`, {
        cacheParameterGroupFamily: 'redis7',
        description: `redis-${role}`,
        properties: { 'maxmemory-policy': role === 'cache' ? 'allkeys-lru' : 'noeviction' },
      });
      const group = new elasticache.CfnReplicationGroup(this, `Redis${role}`, {
        replicationGroupDescription:
          role === 'cache'
            ? 'recommendations response cache (evicting, no snapshots)'
            : 'carts, the recommendation model, rate-limit buckets (noeviction)',
        engine: 'redis',
        engineVersion: '7.1',
        cacheNodeType: 'cache.t4g.small',
        numCacheClusters: 2,
        automaticFailoverEnabled: true,
        multiAzEnabled: true,
        atRestEncryptionEnabled: true,
        kmsKeyId: props.key.keyArn,
        transitEncryptionEnabled: true,
        cacheSubnetGroupName: subnets.ref,
        cacheParameterGroupName: params.ref,
        securityGroupIds: [sg.securityGroupId],
        snapshotRetentionLimit: role === 'cache' ? 0 : 7,
      });
      this.redis.set(role, {
        securityGroup: sg,
        url: `rediss://${group.attrPrimaryEndPointAddress}:${group.attrPrimaryEndPointPort}`,
      });
    }

    this.kafkaSecurityGroup = new ec2.SecurityGroup(this, 'KafkaSg', {
      vpc: props.vpc,
      allowAllOutbound: false,
      description: 'MSK brokers',
    });
    this.kafkaSecurityGroup.addIngressRule(
      this.kafkaSecurityGroup,
      ec2.Port.allTcp(),
      'brokers among themselves',
    );
    const config = new msk.CfnConfiguration(this, 'KafkaConfig', {
      name: 'rc-kafka',
      kafkaVersionsList: ['3.8.x'],
      serverProperties: [
        'auto.create.topics.enable=false',
        'default.replication.factor=3',
        'min.insync.replicas=2',
        'unclean.leader.election.enable=false',
        'num.partitions=3',
      ].join('\n'),
    });
    const kafka = new msk.CfnCluster(this, 'Kafka', {
      clusterName: this.kafkaClusterName,
      kafkaVersion: '3.8.x',
      numberOfBrokerNodes: 3,
      brokerNodeGroupInfo: {
        instanceType: 'kafka.m7g.large',
        clientSubnets: isolatedIds,
        securityGroups: [this.kafkaSecurityGroup.securityGroupId],
        storageInfo: { ebsStorageInfo: { volumeSize: 100 } },
        connectivityInfo: { publicAccess: { type: 'DISABLED' } },
      },
      // The services' Kafka client has no TLS option yet (libs/messaging): plaintext inside the
      // VPC is allowed beside TLS; brokers replicate over TLS.
      encryptionInfo: {
        encryptionAtRest: { dataVolumeKmsKeyId: props.key.keyArn },
        encryptionInTransit: { clientBroker: 'TLS_PLAINTEXT', inCluster: true },
      },
      configurationInfo: { arn: config.attrArn, revision: 1 },
      enhancedMonitoring: 'PER_TOPIC_PER_PARTITION',
    });
    const bootstrap = new cr.AwsCustomResource(this, 'KafkaBootstrap', {
      onUpdate: {
        service: 'Kafka',
        action: 'getBootstrapBrokers',
        parameters: { ClusterArn: kafka.attrArn },
        physicalResourceId: cr.PhysicalResourceId.of(kafka.attrArn),
      },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [kafka.attrArn] }),
      installLatestAwsSdk: false,
    });
    this.kafkaBrokers = bootstrap.getResponseField('BootstrapBrokerString');
  }
}
