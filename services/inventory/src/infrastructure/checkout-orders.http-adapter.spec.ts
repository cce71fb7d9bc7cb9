import { randomUUID } from 'node:crypto';
import { CheckoutOrdersHttpAdapter, checkoutPolicyRegistry } from './checkout-orders.http-adapter';

describe('CheckoutOrdersHttpAdapter', () => {
  const orderId = randomUUID();

  function adapterAnswering(answer: () => Response | Promise<Response>) {
    const calls: string[] = [];
    const fetchStub = (async (input: string | URL | Request) => {
      calls.push(input instanceof Request ? input.url : input.toString());
      return answer();
    }) as typeof fetch;
    const adapter = new CheckoutOrdersHttpAdapter({
      baseUrl: 'http://checkout.test',
      policies: checkoutPolicyRegistry({ retry: { maxAttempts: 1 } }),
      fetch: fetchStub,
    });
    return { adapter, calls };
  }

  const json = (status: number, body: unknown, type = 'application/json') =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

  it.each([
    ['CONFIRMED', 'CONFIRMED'],
    ['FAILED', 'FAILED'],
    ['CHARGED', 'IN_PROGRESS'],
    ['COMPENSATING', 'IN_PROGRESS'],
  ])('when checkout says the order is %s, then the outcome is %s', async (status, outcome) => {
    const { adapter, calls } = adapterAnswering(() => json(200, { orderId, status }));

    expect(await adapter.outcomeOf(orderId)).toBe(outcome);
    expect(calls).toEqual([`http://checkout.test/v1/orders/${orderId}`]);
  });

  it('when checkout answers 404 with its own not-found code, then the order is NOT_FOUND', async () => {
    const { adapter } = adapterAnswering(() =>
      json(404, { code: 'CHECKOUT.ORDER_NOT_FOUND', status: 404 }, 'application/problem+json'),
    );

    expect(await adapter.outcomeOf(orderId)).toBe('NOT_FOUND');
  });

  it.each([
    ['a bare 404 (a wrong URL proves nothing)', () => json(404, { message: 'Cannot GET' })],
    ['a 503', () => json(503, { code: 'RESILIENCE.LOAD_SHED' }, 'application/problem+json')],
    ['a malformed body', () => json(200, { orderId, status: 'SHIPPED' })],
    ['another order', () => json(200, { orderId: randomUUID(), status: 'FAILED' })],
    [
      'a refused connection',
      () => Promise.reject(Object.assign(new TypeError('fetch failed'), { code: 'ECONNREFUSED' })),
    ],
  ])('when checkout gives %s, then the outcome is UNAVAILABLE', async (_what, answer) => {
    const { adapter } = adapterAnswering(answer);

    expect(await adapter.outcomeOf(orderId)).toBe('UNAVAILABLE');
  });

  it('when the policy override has a bad key, then building it fails naming the key', () => {
    expect(() => checkoutPolicyRegistry({ attemptTimeoutMs: -1 })).toThrow(/attemptTimeoutMs/);
  });
});
