/**
 * The six services on ECS Fargate, in two clusters: tier 1 (checkout, payment, inventory) on
 * on-demand Fargate only, tiers 2-4 on a separate cluster that mostly runs on Fargate Spot. The
 * infrastructure-level bulkhead: the capacity the core path runs on is never shared with, or
 * reclaimed for, the tiers the code gives up first. Each service has its own task definition,
 * security group (the equivalent of deploy/k8s's NetworkPolicies), secrets and autoscaling.
 */
import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { PUBLIC_TRUST_PROXY, type ServiceSpec } from './catalogue.ts';
import type { DataStores } from './data-stores.ts';
import type { Edge } from './edge.ts';

/** Replicas by tier: tiers 1-2 at least 2 (one per zone it may lose), lower tiers 1. */
export const DESIRED_COUNT: Record<number, number> = { 1: 3, 2: 2, 3: 2, 4: 1 };
/** Tier-1 CPU autoscaling bounds. */
export const TIER1_SCALING = { min: 3, max: 6, cpuPercent: 70 };
/** ALB deregistration delay: the equivalent of the Kubernetes preStop pause. */
export const DEREGISTRATION_SECONDS = 5;

/** Props of {@link Services}. */
export interface ServicesProps {
  vpc: ec2.IVpc;
  key: kms.IKey;
  specs: ServiceSpec[];
  stores: DataStores;
  edge: Edge;
  imageTag: string;
}

/** ECS clusters, task definitions and services. */
export class Services extends Construct {
  readonly core: ecs.Cluster;
  readonly degradable: ecs.Cluster;
  readonly services = new Map<string, ecs.FargateService>();
  readonly securityGroups = new Map<string, ec2.SecurityGroup>();

  constructor(scope: Construct, id: string, props: ServicesProps) {
    super(scope, id);
    const cluster = (name: string) =>
      new ecs.Cluster(this, name, {
        vpc: props.vpc,
        enableFargateCapacityProviders: true,
        containerInsightsV2: ecs.ContainerInsights.ENABLED,
      });
    this.core = cluster('Core');
    this.degradable = cluster('Degradable');
    const namespace = new servicediscovery.PrivateDnsNamespace(this, 'Namespace', {
      name: 'rc.internal',
      vpc: props.vpc,
    });

    for (const s of props.specs) {
      const sg = new ec2.SecurityGroup(this, `${s.name}Sg`, {
        vpc: props.vpc,
        allowAllOutbound: false,
        description: s.name,
      });
      // AWS APIs (ECR, Secrets Manager, CloudWatch Logs) over the NAT gateways.
      sg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'AWS APIs');
      this.securityGroups.set(s.name, sg);
    }
    const sgOf = (name: string) => this.securityGroups.get(name)!;
    const specOf = (name: string) => props.specs.find((x) => x.name === name)!;

    for (const s of props.specs) {
      const sg = sgOf(s.name);
      for (const dep of s.calls) {
        sg.addEgressRule(sgOf(dep), ec2.Port.tcp(specOf(dep).port), `${s.name} calls ${dep}`);
        sgOf(dep).addIngressRule(sg, ec2.Port.tcp(specOf(dep).port), `${s.name} calls ${dep}`);
      }
      for (const role of s.redis) {
        const redis = props.stores.redis.get(role)!;
        sg.addEgressRule(redis.securityGroup, ec2.Port.tcp(6379), `redis-${role}`);
        redis.securityGroup.addIngressRule(sg, ec2.Port.tcp(6379), s.name);
      }
      sg.addEgressRule(props.stores.kafkaSecurityGroup, ec2.Port.tcp(9092), 'Kafka');
      props.stores.kafkaSecurityGroup.addIngressRule(sg, ec2.Port.tcp(9092), s.name);

      // One generated secret per secret key of the service's config (never in the template).
      const secrets: Record<string, ecs.Secret> = {};
      for (const key of s.secretKeys) {
        const secret = new secretsmanager.Secret(this, `${s.name}${key}`, {
          description: `${key} of ${s.name}`,
          encryptionKey: props.key,
          generateSecretString: { passwordLength: 48, excludePunctuation: true },
        });
        secrets[key] = ecs.Secret.fromSecretsManager(secret);
      }
      for (const [key, name] of Object.entries(s.providedSecrets ?? {})) {
        const provided = secretsmanager.Secret.fromSecretNameV2(this, `${s.name}${key}`, name);
        secrets[key] = ecs.Secret.fromSecretsManager(provided);
      }
      const environment: Record<string, string> = {
        SERVICE_NAME: s.name,
        PORT: String(s.port),
        HOST: '0.0.0.0',
        NODE_ENV: 'production',
        SHUTDOWN_GRACE_MS: '10000',
        KAFKA_BROKERS: props.stores.kafkaBrokers,
        ...(s.redis.includes('state') && { REDIS_URL: props.stores.redis.get('state')!.url }),
        ...(s.redis.includes('cache') && {
          REDIS_CACHE_URL: props.stores.redis.get('cache')!.url,
        }),
        OTEL_SAMPLING_RATIO: '0.1',
        // Behind API Gateway and the ALB: anonymous requests are bucketed by the client's address.
        ...(s.publicPaths.length > 0 && { TRUST_PROXY: PUBLIC_TRUST_PROXY }),
      };
      for (const dep of s.calls)
        environment[`${dep.toUpperCase()}_URL`] = `http://${dep}.rc.internal:${specOf(dep).port}`;
      let command: string[] | undefined;
      const db = props.stores.databases.get(s.name);
      if (db) {
        sg.addEgressRule(db.connections.securityGroups[0]!, ec2.Port.tcp(5432), 'own database');
        db.connections.allowDefaultPortFrom(sg, `${s.name} only`);
        for (const k of ['username', 'password', 'host', 'port', 'dbname'])
          secrets[`DB_${k.toUpperCase()}`] = ecs.Secret.fromSecretsManager(db.secret!, k);
        // DATABASE_URL from the generated credentials (URL-safe by construction).
        command = [
          'sh',
          '-c',
          'export DATABASE_URL="postgresql://$DB_USERNAME:$DB_PASSWORD@$DB_HOST:$DB_PORT/$DB_DBNAME?sslmode=require"; exec node dist/bundle/main.js',
        ];
      }

      const noCapabilities = new ecs.LinuxParameters(this, `${s.name}Linux`, {
        initProcessEnabled: true,
      });
      noCapabilities.dropCapabilities(ecs.Capability.ALL);
      const task = new ecs.FargateTaskDefinition(this, `${s.name}Task`, {
        cpu: s.tier === 1 ? 512 : 256,
        memoryLimitMiB: s.tier === 1 ? 1024 : 512,
        runtimePlatform: {
          cpuArchitecture: ecs.CpuArchitecture.ARM64,
          operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        },
      });
      task.addVolume({ name: 'tmp' });
      const container = task.addContainer(s.name, {
        image: ecs.ContainerImage.fromEcrRepository(
          ecr.Repository.fromRepositoryName(this, `${s.name}Repo`, `resilient-commerce/${s.name}`),
          props.imageTag,
        ),
        memoryLimitMiB: s.memoryMiB,
        portMappings: [{ containerPort: s.port, name: 'http' }],
        environment,
        secrets,
        ...(command ? { command } : {}),
        user: '1000',
        readonlyRootFilesystem: true,
        linuxParameters: noCapabilities,
        stopTimeout: Duration.seconds(s.stopGraceSeconds),
        healthCheck: {
          command: [
            'CMD',
            'node',
            '-e',
            `fetch('http://127.0.0.1:${s.port}/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`,
          ],
          interval: Duration.seconds(10),
          timeout: Duration.seconds(3),
          startPeriod: Duration.seconds(20),
          retries: 3,
        },
        logging: ecs.LogDrivers.awsLogs({
          streamPrefix: s.name,
          logRetention: logs.RetentionDays.ONE_MONTH,
        }),
      });
      container.addMountPoints({ containerPath: '/tmp', sourceVolume: 'tmp', readOnly: false });

      const tier1 = s.tier === 1;
      const service = new ecs.FargateService(this, `${s.name}Service`, {
        serviceName: s.name,
        cluster: tier1 ? this.core : this.degradable,
        taskDefinition: task,
        desiredCount: DESIRED_COUNT[s.tier],
        minHealthyPercent: 100,
        maxHealthyPercent: 200,
        circuitBreaker: { enable: true, rollback: true },
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        securityGroups: [sg],
        assignPublicIp: false,
        cloudMapOptions: { name: s.name, cloudMapNamespace: namespace },
        capacityProviderStrategies: tier1
          ? [{ capacityProvider: 'FARGATE', weight: 1 }]
          : [
              { capacityProvider: 'FARGATE', base: 1, weight: 1 },
              { capacityProvider: 'FARGATE_SPOT', weight: 3 },
            ],
      });
      this.services.set(s.name, service);

      if (s.publicPaths.length > 0) {
        const target = new elbv2.ApplicationTargetGroup(this, `${s.name}Target`, {
          vpc: props.vpc,
          port: s.port,
          protocol: elbv2.ApplicationProtocol.HTTP,
          targetType: elbv2.TargetType.IP,
          targets: [service.loadBalancerTarget({ containerName: s.name, containerPort: s.port })],
          deregistrationDelay: Duration.seconds(DEREGISTRATION_SECONDS),
          healthCheck: {
            path: '/health/ready',
            interval: Duration.seconds(10),
            healthyThresholdCount: 2,
            unhealthyThresholdCount: 2,
          },
        });
        sg.addIngressRule(props.edge.albSecurityGroup, ec2.Port.tcp(s.port), 'the internal ALB');
        props.edge.albSecurityGroup.addEgressRule(sg, ec2.Port.tcp(s.port), s.name);
        props.edge.route(s.name, s.publicPaths, 10 * this.services.size, target);
      }

      const scaling = service.autoScaleTaskCount({
        minCapacity: tier1 ? TIER1_SCALING.min : DESIRED_COUNT[s.tier]!,
        maxCapacity: tier1 ? TIER1_SCALING.max : 3,
      });
      if (tier1)
        scaling.scaleOnCpuUtilization('Cpu', {
          targetUtilizationPercent: TIER1_SCALING.cpuPercent,
        });
      if (s.consumerGroup)
        scaling.scaleOnMetric('Lag', {
          metric: new cw.Metric({
            namespace: 'AWS/Kafka',
            metricName: 'SumOffsetLag',
            dimensionsMap: {
              'Cluster Name': props.stores.kafkaClusterName,
              'Consumer Group': s.consumerGroup,
              Topic: 'orders',
            },
            statistic: 'Maximum',
            period: Duration.minutes(1),
          }),
          scalingSteps: [
            { upper: 100, change: -1 },
            { lower: 1000, change: +1 },
            { lower: 10000, change: +2 },
          ],
          adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
        });
    }
  }
}
