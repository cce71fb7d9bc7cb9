import type { Span } from '@opentelemetry/api';
import { Registry } from 'prom-client';
import { FakeClock, flushMicrotasks } from '../clock';
import { DestructiveFaultsRefusedError, InjectedFaultError } from './fault-injection.errors';
import { FaultInjector, type FaultInjectorOptions } from './fault-injector';
import type { FaultSpec } from './fault-rule';
import { seededRandom } from './seeded-random';

function rule(
  fault: FaultSpec,
  over: Partial<{
    id: string;
    target: string;
    name: string;
    probability: number;
    enabled: boolean;
  }> = {},
) {
  return {
    id: 'r1',
    target: 'dependency',
    name: 'payment',
    probability: 1,
    enabled: true,
    fault,
    ...over,
  };
}

function setup(rules: unknown[], options: Partial<FaultInjectorOptions> = {}) {
  const clock = new FakeClock();
  const registry = new Registry();
  const events: { name: string; attributes: unknown }[] = [];
  const span = {
    addEvent: (name: string, attributes: unknown) => events.push({ name, attributes }),
  } as unknown as Span;
  const exits: number[] = [];
  const burns: number[] = [];
  const injector = new FaultInjector({
    rules,
    clock,
    registry,
    activeSpan: () => span,
    terminate: (code) => exits.push(code),
    burnCpu: (ms) => burns.push(ms),
    ...options,
  });
  const injectedCount = async () =>
    (await registry.getSingleMetric('resilience_faults_injected_total')!.get()).values.map((v) => ({
      ...v.labels,
      n: v.value,
    }));
  return { clock, injector, events, exits, burns, injectedCount };
}

describe('FaultInjector', () => {
  it('when no rules are configured, then calls pass through untouched', async () => {
    // Arrange
    const { injector } = setup([]);
    const call = injector.wrapOutbound('payment', async (x: number) => x * 2);

    // Act + Assert
    await expect(call(21)).resolves.toBe(42);
    await expect(injector.inject('route', 'POST /v1/checkout')).resolves.toEqual({
      abort: false,
      corrupt: false,
    });
  });

  it('when a rule fires with probability p, then about p of the matching calls get the fault (seeded)', async () => {
    // Arrange
    const { injector } = setup([rule({ kind: 'corrupt' }, { probability: 0.3 })], {
      random: seededRandom(42),
    });

    // Act
    let fired = 0;
    for (let i = 0; i < 2000; i++)
      if ((await injector.inject('dependency', 'payment')).corrupt) fired++;

    // Assert
    expect(fired).toBeGreaterThan(540);
    expect(fired).toBeLessThan(660);
  });

  it('when rules are disabled, at probability 0, for another target or another name, then they never fire', async () => {
    // Arrange
    const { injector, injectedCount } = setup([
      rule({ kind: 'corrupt' }, { id: 'off', enabled: false }),
      rule({ kind: 'corrupt' }, { id: 'zero', probability: 0 }),
      rule({ kind: 'corrupt' }, { id: 'inbound', target: 'route', name: '*' }),
      rule({ kind: 'corrupt' }, { id: 'other', name: 'inventory' }),
    ]);

    // Act
    const effects = await Promise.all(
      Array.from({ length: 50 }, () => injector.inject('dependency', 'payment')),
    );

    // Assert
    expect(effects.some((e) => e.corrupt)).toBe(false);
    expect(await injectedCount()).toEqual([]);
  });

  it('when a latency rule fires, then the call waits the configured time first', async () => {
    // Arrange
    const { clock, injector } = setup([rule({ kind: 'latency', ms: 300 })]);
    let done = false;
    const call = injector.wrapOutbound('payment', async () => 'ok');

    // Act
    const pending = call().then((v) => ((done = true), v));
    await flushMicrotasks();
    await clock.advance(299);
    const doneEarly = done;
    await clock.advance(1);

    // Assert
    expect(doneEarly).toBe(false);
    await expect(pending).resolves.toBe('ok');
  });

  it('when a latency range is configured, then the wait is drawn from the range', async () => {
    // Arrange: random() = 0.5 -> 100 + floor(0.5 * 101) = 150
    const { clock, injector } = setup([rule({ kind: 'latency', minMs: 100, maxMs: 200 })], {
      random: () => 0.5,
    });

    // Act
    const pending = injector.inject('dependency', 'payment');
    await flushMicrotasks();
    const sleeps = clock.pendingSleeps;
    await clock.advance(150);

    // Assert
    expect(sleeps).toBe(1);
    await expect(pending).resolves.toEqual({ abort: false, corrupt: false });
  });

  it('when the attempt is abandoned during injected latency, then the wait ends and the real call is not made', async () => {
    // Arrange
    const { injector } = setup([rule({ kind: 'latency', ms: 10_000 })]);
    let called = false;
    const call = injector.wrapOutbound(
      'payment',
      async (_ctx: { signal: AbortSignal }) => (called = true),
    );
    const controller = new AbortController();

    // Act
    const pending = call({ signal: controller.signal });
    await flushMicrotasks();
    controller.abort(new Error('attempt timeout'));

    // Assert
    await expect(pending).rejects.toThrow('attempt timeout');
    expect(called).toBe(false);
  });

  it('when an error rule fires on a dependency, then the call throws the simulated status without being made', async () => {
    // Arrange
    const { injector } = setup([rule({ kind: 'error', status: 503 }, { id: 'pay-503' })]);
    let called = false;
    const call = injector.wrapOutbound('payment', async () => (called = true));

    // Act
    const error = await call().catch((e: unknown) => e);

    // Assert
    expect(called).toBe(false);
    expect(error).toBeInstanceOf(InjectedFaultError);
    expect(error).toMatchObject({
      code: 'FAULT_INJECTION.ERROR',
      status: 503,
      httpStatus: 503,
      transient: true,
      ruleId: 'pay-503',
      injected: true,
    });
  });

  it('when a 4xx error is injected, then it is not transient', async () => {
    // Arrange
    const { injector } = setup([rule({ kind: 'error', status: 422 })]);

    // Act
    const error = await injector.inject('dependency', 'payment').catch((e: unknown) => e);

    // Assert
    expect(error).toMatchObject({ status: 422, transient: false });
  });

  it('when an abort rule fires on a dependency, then a connection reset is thrown', async () => {
    // Arrange
    const { injector } = setup([rule({ kind: 'abort' }, { id: 'reset' })]);
    const call = injector.wrapOutbound('payment', async () => 'never');

    // Act
    const error = await call().catch((e: unknown) => e);

    // Assert
    expect(error).toMatchObject({
      code: 'FAULT_INJECTION.ABORT',
      transient: true,
      ruleId: 'reset',
    });
    expect((error as Error).cause).toMatchObject({ code: 'ECONNRESET' });
  });

  it('when a corrupt rule fires on a dependency, then the result is no longer valid JSON of the expected shape', async () => {
    // Arrange
    const { injector } = setup([rule({ kind: 'corrupt' })], { random: seededRandom(7) });
    const call = injector.wrapOutbound('payment', async () => ({
      id: 'pay_1',
      status: 'captured',
    }));

    // Act
    const result = await call();

    // Assert
    expect(typeof result).toBe('string');
    expect(() => JSON.parse(result as unknown as string) as unknown).toThrow();
  });

  it('when cpu and exit rules fire, then the CPU is burnt for the duration and the process is terminated with the code', async () => {
    // Arrange
    const { injector, burns, exits } = setup(
      [
        rule({ kind: 'cpu', durationMs: 75 }, { id: 'burn', target: 'route', name: 'GET /*' }),
        rule({ kind: 'exit', exitCode: 137 }, { id: 'kill', target: 'route', name: 'GET /*' }),
      ],
      { allowDestructive: true },
    );

    // Act
    await injector.inject('route', 'GET /v1/products');

    // Assert
    expect(burns).toEqual([75]);
    expect(exits).toEqual([137]);
  });

  it('when a memory rule fires, then it retains its KiB each time up to its ceiling, and replacing or clearing the rules lets them go', async () => {
    // Arrange
    const leak = rule(
      { kind: 'memory', kib: 300, maxMib: 1 },
      { id: 'leak', target: 'route', name: 'POST /v1/payments' },
    );
    const { injector } = setup([leak], { allowDestructive: true });

    // Act
    for (let i = 0; i < 5; i++) await injector.inject('route', 'POST /v1/payments');
    await injector.inject('route', 'GET /v1/payments/p1');
    const held = injector.retainedKib;
    injector.setRules([leak]);
    const afterReplace = injector.retainedKib;
    await injector.inject('route', 'POST /v1/payments');
    const again = injector.retainedKib;
    injector.clear();

    // Assert
    expect([held, afterReplace, again, injector.retainedKib]).toEqual([1024, 0, 300, 0]);
  });

  it('when a memory rule is set without allowDestructive, then it is refused (403)', () => {
    // Arrange
    const { injector } = setup([]);

    // Act
    const attempt = () => injector.setRules([rule({ kind: 'memory', kib: 1, maxMib: 1 })]);

    // Assert
    expect(attempt).toThrow(DestructiveFaultsRefusedError);
  });

  it('when cpu or exit rules are set without allowDestructive, then they are refused (403) and the previous rules stay', () => {
    // Arrange
    const { injector } = setup([rule({ kind: 'corrupt' }, { id: 'kept' })]);
    const burn = rule({ kind: 'cpu', durationMs: 10 }, { id: 'burn', enabled: false });
    const kill = rule({ kind: 'exit' }, { id: 'kill' });

    // Act
    const attempt = () => injector.setRules([burn, kill]);

    // Assert
    expect(attempt).toThrow(DestructiveFaultsRefusedError);
    expect(attempt).toThrow(/burn, kill.*|ALLOW_DESTRUCTIVE_FAULTS/);
    try {
      attempt();
    } catch (e) {
      expect(e).toMatchObject({ httpStatus: 403, ruleIds: ['burn', 'kill'] });
    }
    expect(injector.getRules().map((r) => r.id)).toEqual(['kept']);
  });

  it('when a destructive rule comes in the start-up rules without allowDestructive, then the injector is not built', () => {
    // Act
    const build = () => new FaultInjector({ rules: [rule({ kind: 'exit' }, { id: 'kill' })] });

    // Assert
    expect(build).toThrow(DestructiveFaultsRefusedError);
  });

  it('when a fault is injected, then it is counted by rule name and kind and marked on the active span', async () => {
    // Arrange
    const { injector, events, injectedCount } = setup([
      rule({ kind: 'corrupt' }, { id: 'c1', target: 'route', name: 'POST /v1/*' }),
    ]);

    // Act
    await injector.inject('route', 'POST /v1/checkout');
    await injector.inject('route', 'POST /v1/cart');

    // Assert
    expect(await injectedCount()).toEqual([
      { target: 'route', name: 'POST /v1/*', kind: 'corrupt', n: 2 },
    ]);
    expect(events[0]).toEqual({
      name: 'fault_injected',
      attributes: {
        'fault.rule_id': 'c1',
        'fault.kind': 'corrupt',
        'fault.target': 'route',
        'fault.name': 'POST /v1/checkout',
      },
    });
  });

  it('when rules are replaced, read and cleared at runtime, then callers see copies and clear stops all faults', async () => {
    // Arrange
    const { injector } = setup([]);

    // Act
    const set = injector.setRules([rule({ kind: 'corrupt' })]);
    set[0]!.enabled = false; // mutating the copy must not change the injector
    const before = await injector.inject('dependency', 'payment');
    injector.clear();
    const after = await injector.inject('dependency', 'payment');

    // Assert
    expect(before.corrupt).toBe(true);
    expect(after.corrupt).toBe(false);
    expect(injector.getRules()).toEqual([]);
  });

  it('when rules change, then isActive tells per target whether any enabled rule is there', () => {
    // Arrange
    const { injector } = setup([
      rule({ kind: 'latency', ms: 1 }, { target: 'consume', enabled: false }),
    ]);
    const active = () =>
      (['route', 'dependency', 'publish', 'consume'] as const).filter((t) => injector.isActive(t));

    // Act
    const disabledOnly = active();
    injector.setRules([rule({ kind: 'latency', ms: 1 }, { target: 'consume', name: 'orders' })]);
    const consumeOnly = active();
    injector.clear();
    const cleared = active();

    // Assert
    expect({ disabledOnly, consumeOnly, cleared }).toEqual({
      disabledOnly: [],
      consumeOnly: ['consume'],
      cleared: [],
    });
  });

  it('when a consume latency rule matches the topic, then handling waits; another topic does not', async () => {
    // Arrange
    const { clock, injector, injectedCount } = setup([
      rule({ kind: 'latency', ms: 2000 }, { target: 'consume', name: 'order*' }),
    ]);
    let done = false;

    // Act
    const other = await injector.injectMessaging('consume', 'payments');
    const pending = injector.injectMessaging('consume', 'orders').then(() => (done = true));
    await flushMicrotasks();
    await clock.advance(1999);
    const doneEarly = done;
    await clock.advance(1);
    await pending;

    // Assert
    expect(other).toBeUndefined();
    expect(doneEarly).toBe(false);
    expect(await injectedCount()).toEqual([
      { target: 'consume', name: 'order*', kind: 'latency', n: 1 },
    ]);
  });

  it('when publish error and abort rules fire, then the send fails with a transient injected error', async () => {
    // Arrange
    const { injector } = setup([
      rule({ kind: 'error', status: 503 }, { id: 'e', target: 'publish', name: 'orders' }),
    ]);

    // Act
    const error = await injector.injectMessaging('publish', 'orders').catch((e: unknown) => e);
    injector.setRules([rule({ kind: 'abort' }, { id: 'a', target: 'publish', name: 'orders' })]);
    const reset = await injector.injectMessaging('publish', 'orders').catch((e: unknown) => e);

    // Assert
    expect(error).toMatchObject({
      code: 'FAULT_INJECTION.ERROR',
      target: 'publish',
      transient: true,
      ruleId: 'e',
    });
    expect(reset).toMatchObject({
      code: 'FAULT_INJECTION.ABORT',
      target: 'publish',
      transient: true,
      ruleId: 'a',
    });
    expect((reset as Error).cause).toMatchObject({ code: 'ECONNRESET' });
  });

  it('when invalid rules are set at runtime, then the previous rules stay in force', async () => {
    // Arrange
    const { injector } = setup([rule({ kind: 'corrupt' })]);

    // Act
    expect(() => injector.setRules([{ id: 'x' }])).toThrow();

    // Assert
    expect(injector.getRules()).toHaveLength(1);
  });
});

describe('seededRandom', () => {
  it('when two generators share a seed, then they produce the same numbers in [0, 1)', () => {
    // Arrange
    const a = seededRandom(123);
    const b = seededRandom(123);

    // Act
    const xs = Array.from({ length: 100 }, () => a());
    const ys = Array.from({ length: 100 }, () => b());

    // Assert
    expect(xs).toEqual(ys);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(xs).size).toBe(100);
  });
});
