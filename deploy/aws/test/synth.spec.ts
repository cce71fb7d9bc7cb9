// `cdk synth` (the CLI of the aws-cdk package, as a user runs it) works offline: no credentials,
// no account or region, no lookups, no notices or version reporting.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('cdk synth', () => {
  const out = mkdtempSync(join(tmpdir(), 'cdk-out-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('when synthesised with no credentials and no network, then it writes the CloudFormation template', () => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: out,
      CDK_DISABLE_VERSION_CHECK: '1',
    };
    const run = spawnSync(
      process.execPath,
      [
        require.resolve('aws-cdk/bin/cdk'),
        'synth',
        '--no-notices',
        '--no-version-reporting',
        '--quiet',
        '-o',
        out,
      ],
      { cwd: join(__dirname, '..'), env, encoding: 'utf8', timeout: 120_000 },
    );
    expect(run.stderr).not.toMatch(/error|credentials/i);
    expect(run.status).toBe(0);
    const file = join(out, 'ResilientCommerce.template.json');
    expect(existsSync(file)).toBe(true);
    const template = JSON.parse(readFileSync(file, 'utf8')) as {
      Resources: Record<string, unknown>;
    };
    expect(Object.keys(template.Resources).length).toBeGreaterThan(100);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    // environment-agnostic: deployable to any account and region
    expect(manifest.artifacts.ResilientCommerce.environment).toBe(
      'aws://unknown-account/unknown-region',
    );
  }, 120_000);
});
