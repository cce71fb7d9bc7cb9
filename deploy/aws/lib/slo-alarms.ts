/**
 * CloudWatch alarms that mirror the multi-window burn-rate alerts of
 * deploy/prometheus/rules/checkout-slo.yml, read from that file at synth time: for each alert,
 * each (long window, short window, threshold) pair becomes two metric-math alarms joined by AND,
 * and the pairs are joined by OR, as in the PromQL. The SLI comes from the HTTP API's detailed
 * route metrics of POST /v1/checkout (5xx / Count; share of Latency over the threshold).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { parse } from 'yaml';

/** One burn-rate condition pair of an alert. */
export interface BurnWindow {
  long: string;
  short: string;
  /** Error ratio over which both windows must be. */
  threshold: number;
}

/** A burn-rate alert as the rule file defines it. */
export interface BurnAlert {
  alert: string;
  sli: 'availability' | 'latency';
  windows: BurnWindow[];
}

const SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86400 };

/** Seconds of a Prometheus window such as `5m`, `6h`, `3d`. */
export function windowSeconds(w: string): number {
  const m = /^(\d+)([mhd])$/.exec(w);
  if (!m) throw new Error(`unreadable window ${w}`);
  return Number(m[1]) * SECONDS[m[2]!]!;
}

/** The burn-rate alerts of the rule file, parsed from their PromQL. */
export function burnAlerts(repoRoot: string): BurnAlert[] {
  const file = join(repoRoot, 'deploy/prometheus/rules/checkout-slo.yml');
  const doc = parse(readFileSync(file, 'utf8')) as {
    groups: { rules: { alert?: string; expr: string }[] }[];
  };
  const term =
    /checkout:slo_(availability|latency)_errors:ratio_rate(\w+) > \(?(?:([\d.]+) \* )?([\d.]+)\)?/g;
  return doc.groups
    .flatMap((g) => g.rules)
    .filter((r) => r.alert && r.expr.includes('_errors:ratio_rate'))
    .map((r) => {
      const terms = [...r.expr.matchAll(term)].map((m) => ({
        sli: m[1] as 'availability' | 'latency',
        window: m[2]!,
        threshold: Number(m[3] ?? 1) * Number(m[4]),
      }));
      const windows: BurnWindow[] = [];
      for (let i = 0; i + 1 < terms.length; i += 2)
        windows.push({
          long: terms[i]!.window,
          short: terms[i + 1]!.window,
          threshold: terms[i]!.threshold,
        });
      return { alert: r.alert!, sli: terms[0]!.sli, windows };
    });
}

/** Props of {@link SloAlarms}. */
export interface SloAlarmsProps {
  repoRoot: string;
  apiId: string;
  stage: string;
  /** Latency objective threshold in milliseconds. */
  latencyThresholdMs: number;
  topic: sns.ITopic;
}

/** The burn-rate alarms of checkout's SLOs. */
export class SloAlarms extends Construct {
  /** One composite alarm per alert of the rule file. */
  readonly alarms: cw.CompositeAlarm[] = [];

  constructor(scope: Construct, id: string, props: SloAlarmsProps) {
    super(scope, id);
    const dims = {
      ApiId: props.apiId,
      Stage: props.stage,
      Resource: '/v1/checkout',
      Method: 'POST',
    };
    const metric = (name: string, statistic: string, period: Duration) =>
      new cw.Metric({
        namespace: 'AWS/ApiGateway',
        metricName: name,
        dimensionsMap: dims,
        statistic,
        period,
      });
    // CloudWatch alarms evaluate at most one day per period: a 3 d window is 3 periods of a day.
    const ratio = (sli: BurnAlert['sli'], window: string) => {
      const period = Duration.seconds(Math.min(windowSeconds(window), 86400));
      const expression =
        sli === 'availability' ? 'FILL(errors, 0) / requests' : `(100 - latencyBelow) / 100`;
      const usingMetrics: Record<string, cw.IMetric> =
        sli === 'availability'
          ? { errors: metric('5xx', 'Sum', period), requests: metric('Count', 'Sum', period) }
          : { latencyBelow: metric('Latency', `PR(:${props.latencyThresholdMs})`, period) };
      return {
        expr: new cw.MathExpression({ expression, usingMetrics, period }),
        evaluationPeriods: Math.max(1, windowSeconds(window) / 86400),
      };
    };
    for (const a of burnAlerts(props.repoRoot)) {
      const pairs = a.windows.map((w, i) => {
        const side = (window: string) => {
          const { expr, evaluationPeriods } = ratio(a.sli, window);
          return expr.createAlarm(this, `${a.alert}${i}${window}`, {
            alarmName: `${a.alert}-${window}`,
            threshold: w.threshold,
            comparisonOperator: cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: Math.ceil(evaluationPeriods),
            treatMissingData: cw.TreatMissingData.NOT_BREACHING,
          });
        };
        return cw.AlarmRule.allOf(side(w.long), side(w.short));
      });
      const composite = new cw.CompositeAlarm(this, a.alert, {
        compositeAlarmName: a.alert,
        alarmRule: cw.AlarmRule.anyOf(...pairs),
        alarmDescription: `Mirrors ${a.alert} of deploy/prometheus/rules/checkout-slo.yml`,
      });
      composite.addAlarmAction(new actions.SnsAction(props.topic));
      this.alarms.push(composite);
    }
  }
}
