/* eslint-disable @typescript-eslint/no-explicit-any -- CloudFormation resources are untyped JSON */
// Assertions on the synthesised template: Multi-AZ everywhere, encryption at rest, no public
// database, throttling and a WAF rate rule at the edge, tier 1 on its own capacity, the SLO
// burn-rate alarms of the promtool-tested rule file, and the Compose facts of each service.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { parse } from 'yaml';
import { PlatformStack } from '../lib/platform-stack.ts';
import {
  CUSTOMER_TOKEN_SECRET,
  PUBLIC_TRUST_PROXY,
  SERVICE_TOKEN_SECRETS,
} from '../lib/catalogue.ts';
import { API_THROTTLE, WAF_RATE_LIMIT_PER_5_MIN } from '../lib/edge.ts';

const repoRoot = resolve(__dirname, '..', '..', '..');
const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}).services;
const sloRules = readFileSync(join(repoRoot, 'deploy/prometheus/rules/checkout-slo.yml'), 'utf8');
const app = new App({ analyticsReporting: false });
const template = Template.fromStack(new PlatformStack(app, 'Test', { repoRoot }));
const resources = (type: string) => Object.entries(template.findResources(type)) as [string, any][];
const TIER1 = ['checkout', 'payment', 'inventory'];
const SERVICES = ['checkout', 'payment', 'inventory', 'cart', 'recommendations', 'analytics'];

describe('AWS blueprint', () => {
  it('when the network is laid out, then it spans 3 zones with a NAT gateway in each', () => {
    const subnets = resources('AWS::EC2::Subnet');
    expect(subnets).toHaveLength(9);
    const azIndexes = new Set(
      subnets.map(([, s]) => JSON.stringify(s.Properties.AvailabilityZone)),
    );
    expect(azIndexes.size).toBe(3);
    template.resourceCountIs('AWS::EC2::NatGateway', 3);
  });

  it('when the databases are created, then each owning service has its own Multi-AZ, encrypted, private Aurora PostgreSQL cluster', () => {
    const clusters = resources('AWS::RDS::DBCluster');
    expect(clusters.map(([, c]) => c.Properties.DatabaseName).sort()).toEqual([
      'rc_analytics',
      'rc_checkout',
      'rc_inventory',
      'rc_payment',
    ]);
    for (const [, c] of clusters) {
      expect(c.Properties).toMatchObject({
        Engine: 'aurora-postgresql',
        StorageEncrypted: true,
        DeletionProtection: true,
      });
      expect(c.Properties.KmsKeyId).toBeDefined();
    }
    const instances = resources('AWS::RDS::DBInstance');
    expect(instances).toHaveLength(clusters.length * 2); // writer + reader in another zone
    for (const [, i] of instances) expect(i.Properties.PubliclyAccessible).toBe(false);
  });

  it('when any data store is reachable, then never from the internet and only from isolated subnets', () => {
    const isolated = resources('AWS::EC2::Subnet')
      .filter(([, s]) =>
        s.Properties.Tags.some(
          (t: any) => t.Key === 'aws-cdk:subnet-type' && t.Value === 'Isolated',
        ),
      )
      .map(([id]) => id)
      .sort();
    expect(isolated).toHaveLength(3);
    const refs = (list: any[]) => list.map((r) => r.Ref).sort();
    for (const [, g] of resources('AWS::RDS::DBSubnetGroup'))
      expect(refs(g.Properties.SubnetIds)).toEqual(isolated);
    for (const [, g] of resources('AWS::ElastiCache::SubnetGroup'))
      expect(refs(g.Properties.SubnetIds)).toEqual(isolated);
    const kafka = resources('AWS::MSK::Cluster')[0]![1];
    expect(refs(kafka.Properties.BrokerNodeGroupInfo.ClientSubnets)).toEqual(isolated);
    expect(kafka.Properties.BrokerNodeGroupInfo.ConnectivityInfo.PublicAccess.Type).toBe(
      'DISABLED',
    );
    for (const [, rule] of resources('AWS::EC2::SecurityGroupIngress'))
      expect(rule.Properties.CidrIp).toBeUndefined();
    for (const [, sg] of resources('AWS::EC2::SecurityGroup'))
      for (const rule of sg.Properties.SecurityGroupIngress ?? [])
        expect(rule.CidrIp).not.toBe('0.0.0.0/0');
  });

  it('when Redis and Kafka are created, then both are Multi-AZ and encrypted, Kafka with replication 3 and min ISR 2', () => {
    const redis = resources('AWS::ElastiCache::ReplicationGroup');
    expect(redis).toHaveLength(2);
    for (const [, r] of redis)
      expect(r.Properties).toMatchObject({
        MultiAZEnabled: true,
        AutomaticFailoverEnabled: true,
        NumCacheClusters: 2,
        AtRestEncryptionEnabled: true,
        TransitEncryptionEnabled: true,
      });
    const policies = resources('AWS::ElastiCache::ParameterGroup')
      .map(([, p]) => p.Properties.Properties['maxmemory-policy'])
      .sort();
    expect(policies).toEqual(['allkeys-lru', 'noeviction']);
    const kafka = resources('AWS::MSK::Cluster')[0]![1];
    expect(kafka.Properties.NumberOfBrokerNodes).toBe(3);
    expect(kafka.Properties.EncryptionInfo.EncryptionAtRest.DataVolumeKMSKeyId).toBeDefined();
    expect(kafka.Properties.EncryptionInfo.EncryptionInTransit.InCluster).toBe(true);
    const config = resources('AWS::MSK::Configuration')[0]![1];
    expect(config.Properties.ServerProperties).toEqual(
      expect.stringContaining('default.replication.factor=3'),
    );
    expect(config.Properties.ServerProperties).toEqual(
      expect.stringContaining('min.insync.replicas=2'),
    );
    expect(config.Properties.ServerProperties).toEqual(
      expect.stringContaining('auto.create.topics.enable=false'),
    );
  });

  it('when secrets and alerts are stored, then with the platform key', () => {
    for (const [, s] of resources('AWS::SecretsManager::Secret'))
      expect(s.Properties.KmsKeyId ?? s.Properties.GenerateSecretString).toBeDefined();
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('when clients call the API, then the stage throttles, a WAF rate rule guards the load balancer, and only public /v1 paths are routed', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: {
        ThrottlingRateLimit: API_THROTTLE.rateLimit,
        ThrottlingBurstLimit: API_THROTTLE.burstLimit,
        DetailedMetricsEnabled: true,
      },
    });
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Action: { Block: {} },
          Statement: { RateBasedStatement: Match.objectLike({ Limit: WAF_RATE_LIMIT_PER_5_MIN }) },
        }),
      ]),
    });
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
    });
    const routes = resources('AWS::ApiGatewayV2::Route').map(
      ([, r]) => r.Properties.RouteKey as string,
    );
    expect(routes.length).toBeGreaterThan(0);
    for (const r of routes)
      expect(r).toMatch(/^ANY \/v1\/(checkout|orders|carts|recommendations)(\/\{proxy\+\})?$/);
  });

  it('when the services run, then tier 1 has its own on-demand capacity and the lower tiers another cluster', () => {
    const services = resources('AWS::ECS::Service');
    expect(services.map(([, s]) => s.Properties.ServiceName).sort()).toEqual([...SERVICES].sort());
    const clusterOf = (name: string) =>
      JSON.stringify(
        services.find(([, s]) => s.Properties.ServiceName === name)![1].Properties.Cluster,
      );
    for (const name of SERVICES) {
      const [, s] = services.find(([, x]) => x.Properties.ServiceName === name)!;
      const providers = s.Properties.CapacityProviderStrategy.map((c: any) => c.CapacityProvider);
      if (TIER1.includes(name)) {
        expect(clusterOf(name)).toBe(clusterOf('checkout'));
        expect(providers).toEqual(['FARGATE']);
        expect(s.Properties.DesiredCount).toBeGreaterThanOrEqual(2);
      } else expect(clusterOf(name)).not.toBe(clusterOf('checkout'));
      expect(s.Properties.DeploymentConfiguration).toMatchObject({
        MinimumHealthyPercent: 100,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      });
      expect(s.Properties.NetworkConfiguration.AwsvpcConfiguration.Subnets).toHaveLength(3);
    }
  });

  it('when a task runs, then it matches Compose: port, memory, stop grace; ready probe; non-root, read-only, no capabilities', () => {
    for (const [, t] of resources('AWS::ECS::TaskDefinition')) {
      const c = t.Properties.ContainerDefinitions[0];
      const facts = compose[c.Name];
      expect(c.PortMappings[0].ContainerPort).toBe(Number(/:(\d+)$/.exec(facts.ports[0])![1]));
      expect(`${c.Memory}M`).toBe(facts.deploy.resources.limits.memory);
      expect(`${c.StopTimeout}s`).toBe(facts.stop_grace_period);
      expect(c.HealthCheck.Command.join(' ')).toContain('/health/ready');
      expect(c.User).toBe('1000');
      expect(c.ReadonlyRootFilesystem).toBe(true);
      expect(c.LinuxParameters.Capabilities.Drop).toEqual(['ALL']);
      expect(JSON.stringify(c.Environment)).not.toMatch(/ADMIN_TOKEN|FINGERPRINT|PASSWORD/);
    }
  });

  it('when a task reaches Redis, then REDIS_URL is the noeviction store and only recommendations has REDIS_CACHE_URL, the evicting one', () => {
    // Arrange: each replication group's logical id, by the eviction policy of its parameter group
    const policyOf = new Map(
      resources('AWS::ElastiCache::ParameterGroup').map(([id, p]) => [
        id,
        p.Properties.Properties['maxmemory-policy'],
      ]),
    );
    const groupWith = (policy: string) =>
      resources('AWS::ElastiCache::ReplicationGroup').find(
        ([, r]) => policyOf.get(r.Properties.CacheParameterGroupName.Ref) === policy,
      )![0];
    const [state, cache] = [groupWith('noeviction'), groupWith('allkeys-lru')];

    // Act
    const redisOf = resources('AWS::ECS::TaskDefinition').map(([, t]) => {
      const c = t.Properties.ContainerDefinitions[0];
      const env = (name: string) =>
        JSON.stringify(c.Environment.find((e: any) => e.Name === name)?.Value ?? null);
      return { name: c.Name, url: env('REDIS_URL'), cacheUrl: env('REDIS_CACHE_URL') };
    });

    // Assert
    expect(redisOf.map((r) => r.name).sort()).toEqual([...SERVICES].sort());
    for (const r of redisOf) {
      // payment keeps nothing in Redis
      if (r.name === 'payment') {
        expect(r.url).toBe('null');
        continue;
      }
      expect(r.url).toContain(state);
      expect(r.url).not.toContain(cache);
      if (r.name === 'recommendations') expect(r.cacheUrl).toContain(cache);
      else expect(r.cacheUrl).toBe('null');
    }
  });

  /**
   * Each service's container entries of one list (`Secrets`: where each value comes from;
   * `Environment`: the value), as service → config key → JSON of it.
   */
  const containerEntries = (list: 'Secrets' | 'Environment', field: 'ValueFrom' | 'Value') =>
    Object.fromEntries(
      resources('AWS::ECS::TaskDefinition').map(([, t]) => {
        const c = t.Properties.ContainerDefinitions[0];
        const names = (c[list] ?? []).map((e: any) => [e.Name, JSON.stringify(e[field])]);
        return [c.Name, Object.fromEntries(names)];
      }),
    ) as Record<string, Record<string, string | undefined>>;
  const secretsOf = () => containerEntries('Secrets', 'ValueFrom');
  const environmentOf = () => containerEntries('Environment', 'Value');

  it('when services sign and check service tokens, then each signing key and trusted key comes from its operator-created secret', () => {
    // Act
    const secrets = secretsOf();

    // Assert: checkout signs for inventory and payment, which trust it; inventory signs its
    // order reads for checkout, which trusts it.
    expect(secrets.checkout!.SERVICE_TOKEN_KEY).toContain(SERVICE_TOKEN_SECRETS.privateKey);
    for (const callee of ['payment', 'inventory'])
      expect(secrets[callee]!.SERVICE_TOKEN_TRUSTED_KEYS).toContain(
        SERVICE_TOKEN_SECRETS.trustedKeys,
      );
    expect(secrets.inventory!.SERVICE_TOKEN_KEY).toContain(
      SERVICE_TOKEN_SECRETS.inventoryPrivateKey,
    );
    expect(secrets.checkout!.SERVICE_TOKEN_TRUSTED_KEYS).toContain(
      SERVICE_TOKEN_SECRETS.checkoutTrustedKeys,
    );
    expect(secrets.payment!.SERVICE_TOKEN_KEY).toBeUndefined();
    for (const other of ['cart', 'recommendations', 'analytics']) {
      expect(secrets[other]!.SERVICE_TOKEN_KEY).toBeUndefined();
      expect(secrets[other]!.SERVICE_TOKEN_TRUSTED_KEYS).toBeUndefined();
    }
  });

  it('when inventory reads orders, then it reaches checkout by its Cloud Map name through the security groups', () => {
    // Act
    const env = environmentOf();
    const ingress = resources('AWS::EC2::SecurityGroupIngress').filter(
      ([, r]) => r.Properties.Description === 'inventory calls checkout',
    );

    // Assert
    expect(env.inventory!.CHECKOUT_URL).toBe(JSON.stringify('http://checkout.rc.internal:3000'));
    expect(ingress).toHaveLength(1);
    expect(ingress[0]![1].Properties.FromPort).toBe(3000);
  });

  it('when customers call checkout and cart, then both trust the identity provider’s keys from one operator-created secret', () => {
    // Act
    const secrets = secretsOf();

    // Assert
    for (const name of ['checkout', 'cart'])
      expect(secrets[name]!.CUSTOMER_TOKEN_PUBLIC_KEYS).toContain(CUSTOMER_TOKEN_SECRET);
    for (const other of ['payment', 'inventory', 'recommendations', 'analytics'])
      expect(secrets[other]!.CUSTOMER_TOKEN_PUBLIC_KEYS).toBeUndefined();
  });

  it('when a service has public routes, then it trusts the edge’s two proxy hops for the client address, and no other service trusts any', () => {
    // Act
    const env = environmentOf();

    // Assert
    for (const name of ['checkout', 'cart', 'recommendations'])
      expect(env[name]!.TRUST_PROXY).toBe(JSON.stringify(PUBLIC_TRUST_PROXY));
    for (const name of ['payment', 'inventory', 'analytics'])
      expect(env[name]!.TRUST_PROXY).toBeUndefined();
  });

  it('when tier 1 is loaded, then it scales on CPU, and the consumers on their Kafka lag', () => {
    const policies = resources('AWS::ApplicationAutoScaling::ScalingPolicy');
    expect(
      policies.filter(([, p]) => p.Properties.PolicyType === 'TargetTrackingScaling'),
    ).toHaveLength(TIER1.length);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'SumOffsetLag',
      Dimensions: Match.arrayWith([{ Name: 'Consumer Group', Value: 'analytics' }]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'SumOffsetLag',
      Dimensions: Match.arrayWith([{ Name: 'Consumer Group', Value: 'recommendations' }]),
    });
  });

  it('when payment and inventory are called, then only checkout may reach them (security groups)', () => {
    const sgId = (name: string) =>
      resources('AWS::EC2::SecurityGroup').find(
        ([, s]) => s.Properties.GroupDescription === name,
      )![0];
    for (const target of ['payment', 'inventory']) {
      const sources = resources('AWS::EC2::SecurityGroupIngress')
        .filter(([, r]) => r.Properties.GroupId?.['Fn::GetAtt']?.[0] === sgId(target))
        .map(([, r]) => r.Properties.SourceSecurityGroupId['Fn::GetAtt'][0]);
      expect(sources).toEqual([sgId('checkout')]);
    }
  });

  it('when checkout burns its error budget, then CloudWatch alarms mirror each burn-rate alert of the promtool-tested rule file', () => {
    const alerts = [...sloRules.matchAll(/alert: (Checkout\w+BudgetBurn\w+)/g)]
      .map((m) => m[1])
      .sort();
    expect(alerts).toHaveLength(4);
    const composites = resources('AWS::CloudWatch::CompositeAlarm')
      .map(([, a]) => a.Properties.AlarmName)
      .sort();
    expect(composites).toEqual(alerts);
    const thresholds = [
      ...sloRules.matchAll(/ratio_rate(\w+) > \(?(?:([\d.]+) \* )?([\d.]+)\)?/g),
    ].map((m) => ({ window: m[1], threshold: Number(m[2] ?? 1) * Number(m[3]) }));
    const alarms = resources('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    for (const name of alerts) {
      const mine = alarms.filter((a) => String(a.AlarmName).startsWith(`${name}-`));
      expect(mine).toHaveLength(4); // two windows in each of two pairs
    }
    expect(
      new Set(
        alarms
          .filter((a) => /BudgetBurn/.test(a.AlarmName))
          .map((a) => `${a.AlarmName.split('-').pop()}=${a.Threshold}`),
      ),
    ).toEqual(new Set(thresholds.map((t) => `${t.window}=${t.threshold}`)));
  });
});
