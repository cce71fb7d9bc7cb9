import { costPerCheckout, cpuDelta, idleCost } from './platform-cost';
import { PROCESS_GROUPS, type CpuReading, type ProcessGroup } from './proc-stat';

function reading(atMs: number, ms: Partial<Record<ProcessGroup, number>>, benchMs = 0): CpuReading {
  const groupsMs = Object.fromEntries(PROCESS_GROUPS.map((g) => [g, ms[g] ?? 0])) as Record<
    ProcessGroup,
    number
  >;
  const pids = Object.fromEntries(PROCESS_GROUPS.map((g) => [g, []])) as unknown as Record<
    ProcessGroup,
    number[]
  >;
  return { atMs, groupsMs, benchMs, pids };
}

describe('platform cost', () => {
  it('when 200 checkouts completed between two readings, then each group is billed its share and the bench apart', () => {
    const before = reading(1_000, { checkout: 5_000, postgres: 9_000, kafka: 100 }, 300);
    const after = reading(
      21_000,
      { checkout: 7_000, postgres: 10_500, kafka: 700, redis: 50 },
      1_300,
    );

    const cost = costPerCheckout(cpuDelta(before, after), 200);

    expect(cost.cpuMsPerCheckout).toBe(20.75); // (2000 + 1500 + 600 + 50) / 200
    expect(cost.cpuMsPerCheckoutByProcess).toMatchObject({
      checkout: 10,
      postgres: 7.5,
      kafka: 3,
      redis: 0.25,
      cart: 0,
    });
    expect(cost.benchCpuMsPerCheckout).toBe(5);
    expect(cost.windowSeconds).toBe(20);
    expect(cost.checkouts).toBe(200);
  });

  it('when the per-checkout figure is not round, then it keeps two decimals', () => {
    const cost = costPerCheckout(cpuDelta(reading(0, {}), reading(1_000, { payment: 100 })), 3);

    expect(cost.cpuMsPerCheckout).toBe(33.33);
  });

  it('when no checkout completed, then there is no per-checkout figure', () => {
    expect(() => costPerCheckout(cpuDelta(reading(0, {}), reading(1, {})), 0)).toThrow(RangeError);
  });

  it('when a group went backwards (a process exited unreaped), then it counts 0, not negative', () => {
    const delta = cpuDelta(reading(0, { postgres: 500 }), reading(1_000, { postgres: 200 }));

    expect(delta.byProcessMs.postgres).toBe(0);
    expect(delta.totalMs).toBe(0);
  });

  it('when the platform is at rest, then its CPU is a share of one core over the wall time', () => {
    const delta = cpuDelta(
      reading(0, { kafka: 1_000, inventory: 0 }),
      reading(30_000, { kafka: 2_230, inventory: 600 }),
    );

    const idle = idleCost(delta);

    expect(idle.idleCpuPercent).toBe(6.1); // 1830 ms over 30 s
    expect(idle.idleCpuPercentByProcess.kafka).toBe(4.1);
    expect(idle.idleCpuPercentByProcess.inventory).toBe(2);
    expect(idle.seconds).toBe(30);
  });
});
