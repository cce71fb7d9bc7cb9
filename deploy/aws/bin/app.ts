/**
 * `cdk synth` entry (cdk.json). Environment-agnostic: no account, no region, no lookups, so it
 * synthesises offline with no credentials. Run from deploy/aws (cdk does).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { PlatformStack } from '../lib/platform-stack.ts';

const repoRoot = resolve(process.cwd(), '..', '..');
if (!existsSync(resolve(repoRoot, 'docker-compose.yml')))
  throw new Error(`run from deploy/aws: no docker-compose.yml in ${repoRoot}`);
const app = new App({ analyticsReporting: false });
new PlatformStack(app, 'ResilientCommerce', {
  repoRoot,
  analyticsReporting: false,
  description: 'Resilient Commerce: the AWS blueprint (ECS Fargate, MSK, Aurora, ElastiCache)',
});
app.synth();
