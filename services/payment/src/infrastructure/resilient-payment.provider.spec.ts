import { FakeClock, FaultInjector, ResiliencePolicy } from '@rc/resilience';
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { ChargeOutcomeUnknownError, ProviderUnavailableError } from '../domain/payment.errors';
import { ResilientPaymentProvider } from './resilient-payment.provider';
import { SimulatedPaymentProvider } from './simulated-payment.provider';

describe('ResilientPaymentProvider', () => {
  let clock: FakeClock;
  let simulator: SimulatedPaymentProvider;
  let faults: FaultInjector;
  let policy: ResiliencePolicy;
  let provider: ResilientPaymentProvider;
  let registry: Registry;

  /** How many faults the injector fired, i.e. how many attempts reached the provider. */
  const injected = async () => {
    const metric = await registry.getSingleMetric('resilience_faults_injected_total')?.get();
    return metric?.values.reduce((n, v) => n + v.value, 0) ?? 0;
  };

  beforeEach(() => {
    clock = new FakeClock();
    registry = new Registry();
    simulator = new SimulatedPaymentProvider();
    faults = new FaultInjector({ clock, registry, random: () => 0 });
    policy = new ResiliencePolicy(
      'provider',
      {
        attemptTimeoutMs: 1_000,
        retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 },
        breaker: { minimumNumberOfCalls: 4, window: { type: 'count', size: 4 } },
      },
      { clock, registry },
    );
    provider = new ResilientPaymentProvider(simulator, policy, faults);
  });

  const charge = (token = 'tok_visa') =>
    provider.charge({ paymentId: randomUUID(), amount: 1_000, currency: 'EUR', token });

  /** Lets fake time pass in small steps, so backoffs scheduled along the way also fire. */
  const elapse = async (ms: number) => {
    for (let t = 0; t < ms; t += 10) await clock.advance(10);
  };

  const rule = (fault: Record<string, unknown>) => ({
    id: 'r',
    target: 'dependency',
    name: 'provider',
    probability: 1,
    enabled: true,
    fault,
  });

  it('when no fault is set, then the simulator answers through the policy', async () => {
    expect(await charge()).toEqual({ outcome: 'approved' });
    expect(await charge('tok_declined')).toEqual({
      outcome: 'declined',
      declineCode: 'card_declined',
    });
  });

  it('when a 402 fault is injected, then it is a decline (do_not_honor) that never trips the breaker', async () => {
    faults.setRules([rule({ kind: 'error', status: 402 })]);

    const results = [
      await charge(),
      await charge(),
      await charge(),
      await charge(),
      await charge(),
    ];

    expect(results.every((r) => r.outcome === 'declined' && r.declineCode === 'do_not_honor')).toBe(
      true,
    );
    expect(policy.breaker.state).toBe('closed');
    expect(simulator.capturedCount).toBe(0);
  });

  it('when the provider has an outage, then the charge is retried once and fails as ProviderUnavailable', async () => {
    faults.setRules([rule({ kind: 'error', status: 503 })]);

    const attempt = charge();
    await elapse(100);

    await expect(attempt).rejects.toThrow(ProviderUnavailableError);
    expect(await injected()).toBe(2);
    expect(simulator.capturedCount).toBe(0);
  });

  it('when the outage persists, then the breaker opens and later calls fail fast with its wait as Retry-After', async () => {
    faults.setRules([rule({ kind: 'error', status: 503 })]);
    for (let i = 0; i < 2; i++) {
      const attempt = charge();
      await elapse(100);
      await expect(attempt).rejects.toThrow(ProviderUnavailableError);
    }

    const fast = charge();

    await expect(fast).rejects.toMatchObject({ code: 'PAYMENT.PROVIDER_UNAVAILABLE' });
    expect(policy.breaker.state).toBe('open');
    expect(await injected()).toBe(4); // the rejected call never reached the provider
    const error = (await fast.catch((e: unknown) => e)) as ProviderUnavailableError;
    expect(error.retryAfterMs).toBeGreaterThan(1_000);
  });

  it('when the provider is slower than the attempt timeout, then the charge gives up and nothing is captured', async () => {
    faults.setRules([rule({ kind: 'latency', ms: 5_000 })]);

    const attempt = charge();
    await elapse(2_100);

    await expect(attempt).rejects.toThrow(ProviderUnavailableError);
    expect(simulator.capturedCount).toBe(0);
  });

  it('when a refund meets an outage, then it fails as ProviderUnavailable', async () => {
    faults.setRules([rule({ kind: 'abort' })]);

    const attempt = provider.refund({ paymentId: randomUUID(), amount: 1, currency: 'EUR' });
    await elapse(100);

    await expect(attempt).rejects.toThrow(ProviderUnavailableError);
    expect(simulator.refundedCount).toBe(0);
  });

  it('when the provider charges but never answers, then the charge ends as outcome unknown (504) and the lookup finds the capture', async () => {
    const paymentId = randomUUID();

    const attempt = provider.charge({
      paymentId,
      amount: 1_000,
      currency: 'EUR',
      token: 'tok_timeout_after_charge',
    });
    await elapse(2_100);

    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChargeOutcomeUnknownError);
    expect(error).toMatchObject({ code: 'PAYMENT.OUTCOME_UNKNOWN', httpStatus: 504 });
    expect(error).not.toBeInstanceOf(ProviderUnavailableError);
    expect(simulator.capturedCount).toBe(1);
    expect(await provider.lookup(paymentId)).toEqual({
      status: 'captured',
      amount: 1_000,
      currency: 'EUR',
    });
  });

  it('when a lookup meets an outage, then it fails as ProviderUnavailable', async () => {
    faults.setRules([rule({ kind: 'error', status: 503 })]);

    const attempt = provider.lookup(randomUUID());
    await elapse(100);

    await expect(attempt).rejects.toThrow(ProviderUnavailableError);
  });
});
