/**
 * The public edge: an HTTP API (API Gateway v2) with stage throttling and per-route metrics,
 * reaching an internal Application Load Balancer over a VPC link; a WAF web ACL with a rate rule
 * per client IP on that load balancer (HTTP APIs cannot carry a web ACL themselves). Only the
 * public /v1 paths are routed: /admin, /metrics, /health and /docs stay inside the VPC.
 */
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** Stage throttling of the HTTP API: steady requests per second and burst. */
export const API_THROTTLE = { rateLimit: 500, burstLimit: 1000 };
/** Requests one client IP may send in 5 minutes before the WAF blocks it. */
export const WAF_RATE_LIMIT_PER_5_MIN = 2000;

/** Props of {@link Edge}. */
export interface EdgeProps {
  vpc: ec2.IVpc;
}

/** HTTP API → VPC link → internal ALB (+ WAF). */
export class Edge extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly listener: elbv2.ApplicationListener;
  readonly albSecurityGroup: ec2.SecurityGroup;
  private readonly link: apigw.VpcLink;

  constructor(scope: Construct, id: string, props: EdgeProps) {
    super(scope, id);
    const privateSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    this.albSecurityGroup = new ec2.SecurityGroup(this, 'AlbSg', {
      vpc: props.vpc,
      allowAllOutbound: false,
      description: 'internal ALB',
    });
    const linkSg = new ec2.SecurityGroup(this, 'LinkSg', {
      vpc: props.vpc,
      allowAllOutbound: false,
      description: 'API Gateway VPC link',
    });
    this.albSecurityGroup.addIngressRule(linkSg, ec2.Port.tcp(80), 'only the API Gateway VPC link');
    linkSg.addEgressRule(this.albSecurityGroup, ec2.Port.tcp(80), 'to the internal ALB');
    const alb = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc: props.vpc,
      internetFacing: false,
      vpcSubnets: privateSubnets,
      securityGroup: this.albSecurityGroup,
      dropInvalidHeaderFields: true,
    });
    this.listener = alb.addListener('Http', {
      port: 80,
      open: false,
      defaultAction: elbv2.ListenerAction.fixedResponse(404, {
        contentType: 'application/problem+json',
        messageBody: '{"title":"Not Found","status":404}',
      }),
    });
    this.link = new apigw.VpcLink(this, 'Link', {
      vpc: props.vpc,
      subnets: privateSubnets,
      securityGroups: [linkSg],
    });
    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: 'resilient-commerce',
      createDefaultStage: false,
    });
    this.stage = new apigw.HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: API_THROTTLE,
      detailedMetricsEnabled: true,
    });

    const acl = new wafv2.CfnWebACL(this, 'Waf', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: {
        cloudWatchMetricsEnabled: true,
        metricName: 'rc-waf',
        sampledRequestsEnabled: true,
      },
      rules: [
        {
          name: 'rate-per-client-ip',
          priority: 0,
          action: { block: {} },
          // Behind the VPC link the peer is the gateway: the client is the forwarded address.
          statement: {
            rateBasedStatement: {
              limit: WAF_RATE_LIMIT_PER_5_MIN,
              aggregateKeyType: 'FORWARDED_IP',
              forwardedIpConfig: { headerName: 'X-Forwarded-For', fallbackBehavior: 'MATCH' },
            },
          },
          visibilityConfig: {
            cloudWatchMetricsEnabled: true,
            metricName: 'rc-waf-rate',
            sampledRequestsEnabled: true,
          },
        },
        {
          name: 'aws-common',
          priority: 1,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' },
          },
          visibilityConfig: {
            cloudWatchMetricsEnabled: true,
            metricName: 'rc-waf-common',
            sampledRequestsEnabled: true,
          },
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'WafOnAlb', {
      resourceArn: alb.loadBalancerArn,
      webAclArn: acl.attrArn,
    });
  }

  /** Routes `paths` (and everything below them) of the API to a target group of the ALB. */
  route(
    name: string,
    paths: string[],
    priority: number,
    target: elbv2.IApplicationTargetGroup,
  ): void {
    this.listener.addTargetGroups(name, {
      priority,
      conditions: [elbv2.ListenerCondition.pathPatterns(paths.flatMap((p) => [p, `${p}/*`]))],
      targetGroups: [target],
    });
    const integration = new integrations.HttpAlbIntegration(`${name}Integration`, this.listener, {
      vpcLink: this.link,
    });
    for (const path of paths.flatMap((p) => [p, `${p}/{proxy+}`]))
      this.api.addRoutes({ path, methods: [apigw.HttpMethod.ANY], integration });
  }
}
