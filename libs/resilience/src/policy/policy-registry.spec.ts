import { Registry } from 'prom-client';
import { BulkheadFullError } from '../bulkhead/bulkhead.errors';
import { FakeClock } from '../clock';
import { UnknownPolicyError } from './policy.errors';
import { PolicyRegistry } from './policy-registry';
import { ResilienceConfigError } from './resilience-config.error';

function build(config: unknown) {
  return PolicyRegistry.fromConfig(config, { clock: new FakeClock(), registry: new Registry() });
}

function configError(config: unknown): ResilienceConfigError {
  try {
    build(config);
  } catch (error) {
    if (error instanceof ResilienceConfigError) return error;
    throw error;
  }
  throw new Error('expected a ResilienceConfigError');
}

describe('PolicyRegistry', () => {
  it('when built from config, then each dependency gets library defaults, shared defaults and its own overrides', () => {
    // Arrange / Act
    const registry = build({
      defaults: { attemptTimeoutMs: 800, retry: { maxAttempts: 2 } },
      dependencies: {
        payment: { attemptTimeoutMs: 3_000, breaker: { window: { type: 'count', size: 40 } } },
        inventory: {},
      },
    });

    // Assert
    const payment = registry.get('payment').config;
    const inventory = registry.get('inventory').config;
    expect(registry.names()).toEqual(['payment', 'inventory']);
    expect(payment.attemptTimeoutMs).toBe(3_000);
    expect(payment.retry).toEqual({
      maxAttempts: 2,
      baseDelayMs: 50,
      maxDelayMs: 1_000,
      jitter: 'decorrelated',
      maxRetryAfterMs: 2_000,
    });
    expect(payment.breaker.window).toEqual({ type: 'count', size: 40 });
    expect(payment.breaker.slowCallDurationMs).toBe(1_500);
    expect(inventory.attemptTimeoutMs).toBe(800);
    expect(inventory.breaker.window).toEqual({ type: 'time', durationMs: 10_000, buckets: 10 });
    expect(inventory.bulkhead).toEqual({
      enabled: true,
      maxConcurrent: 25,
      maxQueue: 25,
      maxQueueWaitMs: 100,
    });
  });

  it('when the config has bad values, then one error lists every bad key with its full path', () => {
    const error = configError({
      defaults: { retry: { jitter: 'random' } },
      dependencies: {
        payment: { retry: { maxAttempts: 50 }, budget: { ratio: 2 } },
        cart: { bulkhead: { maxConcurent: 3 } },
      },
    });

    expect(error.code).toBe('RESILIENCE.INVALID_CONFIG');
    expect(error.issues).toHaveLength(4);
    expect(error.issues).toEqual([
      expect.stringMatching(/^defaults\.retry\.jitter: /),
      expect.stringMatching(/^dependencies\.payment\.retry\.maxAttempts: Too big/),
      expect.stringMatching(/^dependencies\.payment\.budget\.ratio: /),
      expect.stringMatching(/^dependencies\.cart\.bulkhead: Unrecognized key: "maxConcurent"/),
    ]);
  });

  it('when a dependency name is not a lower-case identifier, then the config is refused', () => {
    const error = configError({ dependencies: { 'Payment Service': {} } });

    expect(error.message).toMatch(/dependencies\.Payment Service: must be a lower-case identifier/);
  });

  it('when asked for a dependency that is not configured, then it throws rather than invent defaults', () => {
    const registry = build({ dependencies: { payment: {} } });

    expect(() => registry.get('paymnet')).toThrow(UnknownPolicyError);
    expect(() => registry.get('paymnet')).toThrow(/configured: payment/);
  });

  it('when one dependency exhausts its bulkhead, then another dependency still has all of its capacity', async () => {
    // Arrange
    const registry = build({
      dependencies: {
        payment: { bulkhead: { maxConcurrent: 1, maxQueue: 0 }, retry: { maxAttempts: 1 } },
        inventory: { bulkhead: { maxConcurrent: 1, maxQueue: 0 } },
      },
    });
    const stuck = registry
      .get('payment')
      .execute(() => new Promise<never>(() => undefined))
      .catch(() => undefined);

    // Act / Assert
    await expect(registry.get('payment').execute(async () => 'paid')).rejects.toBeInstanceOf(
      BulkheadFullError,
    );
    await expect(registry.get('inventory').execute(async () => 'reserved')).resolves.toBe(
      'reserved',
    );
    void stuck;
  });
});
