import { benchPlan, parseBenchOptions } from './bench-options';

describe('bench options', () => {
  it('when no flag is given, then the table, the full plan and a 1000 ms SLO are used', () => {
    const options = parseBenchOptions([]);

    expect(options).toEqual({
      json: false,
      quick: false,
      sloP99Ms: 1_000,
      skipBuild: false,
      tierPriority: true,
      costOnly: false,
      repeat: 3,
      serviceEnv: {},
    });
    expect(benchPlan(options)).toMatchObject({
      stepSeconds: 8,
      halfSeconds: 20,
      idleSeconds: 30,
      sheddingFactors: [3, 5],
      samplingRatio: 0.1,
    });
  });

  it('when flags are given, then each is honoured and --quick shortens every step', () => {
    const options = parseBenchOptions([
      '--json',
      '--quick',
      '--slo-ms',
      '250',
      '--skip-build',
      '--no-tier-priority',
      '--cost-rate',
      '30',
    ]);

    expect(options).toEqual({
      json: true,
      quick: true,
      sloP99Ms: 250,
      skipBuild: true,
      tierPriority: false,
      costRateRps: 30,
      costOnly: false,
      repeat: 3,
      serviceEnv: {},
    });
    const quick = benchPlan(options);
    const full = benchPlan({ ...options, quick: false });
    expect(quick.stepSeconds).toBeLessThan(full.stepSeconds);
    expect(quick.halfSeconds).toBeLessThan(full.halfSeconds);
    expect(quick.comparisonSeconds).toBeLessThan(full.comparisonSeconds);
    expect(quick.idleSeconds).toBeLessThan(full.idleSeconds);
    expect(quick.tracingSeconds).toBeLessThan(full.tracingSeconds);
  });

  it('when --slo-ms has no valid value or a flag is unknown, then parsing refuses with the usage', () => {
    expect(() => parseBenchOptions(['--slo-ms'])).toThrow(/--slo-ms needs an integer/);
    expect(() => parseBenchOptions(['--slo-ms', 'fast'])).toThrow(/--slo-ms needs an integer/);
    expect(() => parseBenchOptions(['--slo-ms', '0'])).toThrow(RangeError);
    expect(() => parseBenchOptions(['--cost-rate'])).toThrow(/--cost-rate needs an integer/);
    expect(() => parseBenchOptions(['--cost-rate', '2.5'])).toThrow(/--cost-rate needs/);
    expect(() => parseBenchOptions(['--cost-only'])).toThrow(/--cost-only needs --cost-rate/);
    expect(() => parseBenchOptions(['--env', 'otel=false'])).toThrow(/--env needs KEY=VALUE/);
    expect(() => parseBenchOptions(['--env'])).toThrow(/--env needs KEY=VALUE/);
    expect(() => parseBenchOptions(['--repeat', '0'])).toThrow(/--repeat needs an integer/);
    expect(() => parseBenchOptions(['--cost-seconds', '1'])).toThrow(/--cost-seconds needs/);
    expect(() => parseBenchOptions(['--idle-seconds', '4'])).toThrow(/--idle-seconds needs/);
    expect(() => parseBenchOptions(['--qiuck'])).toThrow(/unknown argument --qiuck\nusage:/);
  });

  it('when --cost-only is given with a rate, step length, repeats and service settings, then the cost step takes that length and the settings are kept', () => {
    const options = parseBenchOptions([
      '--cost-only',
      '--cost-rate',
      '30',
      '--cost-seconds',
      '60',
      '--repeat',
      '4',
      '--idle-seconds',
      '90',
      '--env',
      'OTEL_ENABLED=false',
      '--env',
      'LOG_FORMAT=a=b',
    ]);

    expect(options).toMatchObject({ costOnly: true, costRateRps: 30, costSeconds: 60, repeat: 4 });
    expect(options.serviceEnv).toEqual({ OTEL_ENABLED: 'false', LOG_FORMAT: 'a=b' });
    expect(benchPlan(options)).toMatchObject({ halfSeconds: 60, idleSeconds: 90 });
  });
});
