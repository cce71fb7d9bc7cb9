import { Registry } from 'prom-client';
import { buildOutboundPolicies, OUTBOUND_DEPENDENCIES } from './outbound-policies';

describe('outbound policies', () => {
  it('when built with defaults, then every dependency has its own validated policy', () => {
    const policies = buildOutboundPolicies({}, new Registry());

    expect(policies.names().sort()).toEqual([...OUTBOUND_DEPENDENCIES].sort());
    expect(policies.get('recommendations').config).toMatchObject({
      attemptTimeoutMs: 150,
      retry: { maxAttempts: 1 },
    });
    expect(policies.get('payment').config.retry.maxRetryAfterMs).toBe(250);
    expect(policies.get('payment').breaker).not.toBe(policies.get('inventory').breaker);
  });

  it('when an override changes one key, then the other defaults of that policy stay', () => {
    const policies = buildOutboundPolicies(
      { payment: { attemptTimeoutMs: 1_600 } },
      new Registry(),
    );

    expect(policies.get('payment').config).toMatchObject({
      attemptTimeoutMs: 1_600,
      retry: { maxAttempts: 2 },
      bulkhead: { maxConcurrent: 20 },
    });
  });

  it('when an override is invalid, then building refuses and names the key', () => {
    expect(() =>
      buildOutboundPolicies({ cart: { retry: { maxAttempts: 0 } } }, new Registry()),
    ).toThrow(/dependencies\.cart\.retry\.maxAttempts/);
  });

  it('when an override names an unknown dependency, then building refuses', () => {
    expect(() => buildOutboundPolicies({ paymnet: {} }, new Registry())).toThrow(/paymnet/);
  });

  it('when the pipeline is switched off, then every dependency gets one attempt and no breaker or bulkhead', () => {
    const policies = buildOutboundPolicies({}, new Registry(), false);

    for (const name of OUTBOUND_DEPENDENCIES) {
      expect(policies.get(name).config).toMatchObject({
        retry: { maxAttempts: 1 },
        breaker: { enabled: false },
        bulkhead: { enabled: false },
        budget: { enabled: false },
      });
    }
  });
});
