// The PrometheusRule is the promtool-tested rule files, and the ServiceMonitors give the targets
// the labels those rules and deploy/prometheus/prometheus.yml use (job, tier).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { platformPrefixes, ROOT, services } from './support/code-facts';
import { build, get, ofKind, OVERLAYS } from './support/overlays';

const rulesDir = join(ROOT, 'deploy/prometheus/rules');
const promConfig = parse(readFileSync(join(ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8'));

describe.each(OVERLAYS)('observability in overlays/%s', (overlay) => {
  const objects = build(overlay);

  it('when the alert rules are loaded, then the PrometheusRule holds exactly the groups of deploy/prometheus/rules/*.yml', () => {
    const groups = readdirSync(rulesDir)
      .filter((f) => f.endsWith('.yml'))
      .sort()
      .flatMap((f) => parse(readFileSync(join(rulesDir, f), 'utf8')).groups);
    const rules = ofKind(objects, 'PrometheusRule');
    expect(rules).toHaveLength(1);
    expect(rules[0].spec.groups).toEqual(groups);
  });

  it.each(services().map((s) => [s.name, s]))(
    'when %s is scraped, then its target gets the job and tier labels of the Compose scrape config',
    (name, facts) => {
      const sm = get(objects, 'ServiceMonitor', name);
      const svc = get(objects, 'Service', name);
      const job = promConfig.scrape_configs[0].job_name;
      expect(svc.metadata.labels[sm.spec.jobLabel]).toBe(job);
      expect(sm.spec.targetLabels).toEqual(['tier']);
      expect(svc.metadata.labels.tier).toBe(String(facts.tier));
      expect(sm.spec.selector.matchLabels).toEqual(svc.spec.selector);
      expect(sm.spec.endpoints).toHaveLength(1);
      expect(sm.spec.endpoints[0].port).toBe(svc.spec.ports[0].name);
      expect(platformPrefixes()).toContain(sm.spec.endpoints[0].path);
      expect(sm.spec.endpoints[0].interval).toBe(promConfig.global.scrape_interval);
    },
  );

  it('when rules select targets by job, then the job is the one the ServiceMonitors produce', () => {
    const text = JSON.stringify(ofKind(objects, 'PrometheusRule')[0].spec.groups);
    const jobs = [...text.matchAll(/job=\\"([^\\]+)\\"/g)].map((m) => m[1]);
    expect(jobs.length).toBeGreaterThan(0);
    for (const j of jobs) expect(j).toBe(promConfig.scrape_configs[0].job_name);
  });
});
