// The services' own validation: a preset the admin API would refuse fails here, not in a demo.
import { parseFaultRules } from '@rc/resilience';
import {
  FAULT_PRESETS,
  presetById,
  withoutPreset,
  withPreset,
  type FaultRule,
} from './fault-presets';

const other: FaultRule = {
  id: 'someone-else',
  target: 'route',
  name: 'GET /x',
  probability: 0.5,
  enabled: true,
  fault: { kind: 'abort' },
};

describe('fault presets', () => {
  it('when a preset is applied over rules set by someone else, then theirs are kept and the preset is added once', () => {
    const preset = presetById('payment-slow')!;

    const once = withPreset([other], preset);
    const twice = withPreset(once, preset);

    expect(twice).toEqual([other, ...preset.rules]);
  });

  it('when a preset is removed, then only its own rules go', () => {
    const preset = presetById('cart-down')!;

    expect(withoutPreset(withPreset([other], preset), preset)).toEqual([other]);
  });

  it('when listing presets, then every rule id is unique and marked as the console’s', () => {
    const ids = FAULT_PRESETS.flatMap((p) => p.rules.map((r) => r.id));

    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id.startsWith('console-'))).toBe(true);
    expect(presetById('no-such')).toBeUndefined();
  });

  it('when every preset is checked against the services’ strict rule schema, then it is accepted as is', () => {
    for (const preset of FAULT_PRESETS) expect(parseFaultRules(preset.rules)).toEqual(preset.rules);
  });

  it('when "Kafka slow" and "Analytics behind" are read, then they slow Kafka itself: checkout’s sends to orders, analytics’ handling of every topic', () => {
    const kafkaSlow = presetById('kafka-slow')!;
    const behind = presetById('analytics-behind')!;

    expect(kafkaSlow).toMatchObject({
      service: 'checkout',
      rules: [{ target: 'publish', name: 'orders', fault: { kind: 'latency', ms: 2_000 } }],
    });
    expect(behind).toMatchObject({
      service: 'analytics',
      rules: [{ target: 'consume', name: '*', fault: { kind: 'latency', ms: 3_000 } }],
    });
    expect(kafkaSlow.expect).toMatch(/201.*outbox backlog rises/);
    expect(behind.expect).toMatch(/consumer lag rises.*nothing upstream notices/);
  });
});
