#!/usr/bin/env node
// Prints, as one JSON object, every metric the dashboards and alert/record rules need some service
// to export ({"<metric>": ["<files querying it>", …]}): rule-recorded series and Prometheus' own
// left out. For checks outside this folder, e.g. the live one in
// e2e/platform/test/observability.e2e-spec.ts, which compares it with real /metrics scrapes.
// Usage: node scripts/deploy/list-queried-metrics.mjs
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { metricsServicesMustExport } from './lib/queried-metrics.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
process.stdout.write(`${JSON.stringify(Object.fromEntries(metricsServicesMustExport(root)))}\n`);
