/**
 * The AWS blueprint of the platform in one environment-agnostic stack (synthesised offline, no
 * account or region lookups): a VPC over 3 zones, the edge (HTTP API, WAF, internal ALB), the
 * services on ECS Fargate with tier 1 on its own capacity, Aurora PostgreSQL, ElastiCache Redis,
 * Amazon MSK, and CloudWatch alarms that mirror the Prometheus SLO burn-rate alerts.
 */
import { CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { catalogue } from './catalogue.ts';
import { DataStores } from './data-stores.ts';
import { Edge } from './edge.ts';
import { Services } from './services.ts';
import { SloAlarms } from './slo-alarms.ts';

/** Props of {@link PlatformStack}. */
export interface PlatformStackProps extends StackProps {
  /** The repository root: docker-compose.yml and deploy/prometheus/rules are read from it. */
  repoRoot: string;
  /** Tag of the services' images in ECR (resilient-commerce/<service>). */
  imageTag?: string;
}

/** Zones the platform spreads over. */
export const ZONES = 3;

/** The whole platform. */
export class PlatformStack extends Stack {
  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const specs = catalogue(props.repoRoot);
    const key = new kms.Key(this, 'Key', {
      enableKeyRotation: true,
      description: 'resilient-commerce data at rest',
    });
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: ZONES,
      natGateways: ZONES, // one per zone: a zone outage does not cut the others' egress
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });
    const stores = new DataStores(this, 'Data', { vpc, key, services: specs });
    const edge = new Edge(this, 'Edge', { vpc });
    new Services(this, 'Services', {
      vpc,
      key,
      specs,
      stores,
      edge,
      imageTag: props.imageTag ?? '0.1.0',
    });

    const topic = new sns.Topic(this, 'Alerts', {
      masterKey: key,
      displayName: 'resilient-commerce alerts',
    });
    new SloAlarms(this, 'Slo', {
      repoRoot: props.repoRoot,
      apiId: edge.api.apiId,
      stage: edge.stage.stageName,
      latencyThresholdMs: 1000,
      topic,
    });
    // Kafka can no longer take writes with acks=all on some partition: events pile up in outboxes.
    const underMinIsr = new cw.Alarm(this, 'KafkaUnderMinIsr', {
      alarmName: 'KafkaUnderMinIsrPartitions',
      metric: new cw.Metric({
        namespace: 'AWS/Kafka',
        metricName: 'UnderMinIsrPartitionCount',
        dimensionsMap: { 'Cluster Name': stores.kafkaClusterName },
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      treatMissingData: cw.TreatMissingData.BREACHING,
    });
    underMinIsr.addAlarmAction(new actions.SnsAction(topic));
    new CfnOutput(this, 'ApiUrl', { value: edge.api.apiEndpoint });
  }

  /** Three zones in an environment-agnostic stack (CDK's default there is two). */
  override get availabilityZones(): string[] {
    return Array.from({ length: ZONES }, (_, i) => Fn.select(i, Fn.getAzs()));
  }
}
