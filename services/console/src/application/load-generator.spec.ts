import { CustomerDirectory, NoCustomerCredentialsError } from '../domain/customer-directory';
import { LoadGenerator, LoadRateRefusedError } from './load-generator';

const CUSTOMERS = [
  { customerId: 'customer-a', token: 'h.a.s' },
  { customerId: 'customer-b', token: 'h.b.s' },
  { customerId: 'customer-c', token: 'h.c.s' },
];

describe('LoadGenerator', () => {
  let now = 0;
  const sent: unknown[] = [];
  const tokens: string[] = [];
  const generator = (send = async () => 201, maxInFlight = 100, customers = CUSTOMERS) =>
    new LoadGenerator({
      checkoutUrl: 'http://127.0.0.1:1',
      maxRatePerSecond: 20,
      maxDurationMs: 60_000,
      maxInFlight,
      skus: ['A-1', 'B-2'],
      customers: new CustomerDirectory({ customers }, 'test'),
      send: async (body, _key, token) => {
        sent.push(body);
        tokens.push(token);
        return send();
      },
      now: () => now,
    });

  beforeEach(() => {
    jest.useFakeTimers();
    now = 0;
    sent.length = 0;
    tokens.length = 0;
  });
  afterEach(() => jest.useRealTimers());

  it.each([0, -1, 21, Number.NaN, '10', undefined])(
    'when asked for a rate of %p with a ceiling of 20, then it is refused and nothing runs',
    (rate) => {
      const load = generator();

      expect(() => load.start(rate)).toThrow(LoadRateRefusedError);
      expect(load.status().running).toBe(false);
    },
  );

  it('when running at 10/s for 2 s, then about 20 checkouts are sent on schedule and counted', async () => {
    const load = generator();

    load.start(10);
    for (let i = 0; i < 40; i++) {
      now += 50;
      await jest.advanceTimersByTimeAsync(50);
    }
    const status = load.stop();

    expect(sent.length).toBeGreaterThanOrEqual(20);
    expect(sent.length).toBeLessThanOrEqual(21);
    expect(status.running).toBe(false);
    expect(status.outcomes['2xx']).toBe(sent.length);
    expect(sent[0]).toMatchObject({ payment: { token: 'tok_visa' }, items: [{ quantity: 1 }] });
  });

  it('when running, then the checkouts go round the customers, each with its own token', async () => {
    const load = generator();

    load.start(20);
    for (let i = 0; i < 5; i++) {
      now += 50;
      await jest.advanceTimersByTimeAsync(50);
    }
    load.stop();

    expect(tokens.slice(0, 6)).toEqual(['h.a.s', 'h.b.s', 'h.c.s', 'h.a.s', 'h.b.s', 'h.c.s']);
    expect((sent as { customerId: string }[]).slice(0, 4).map((b) => b.customerId)).toEqual([
      'customer-a',
      'customer-b',
      'customer-c',
      'customer-a',
    ]);
  });

  it('when the console has no customers, then a run is refused and nothing is sent', () => {
    const load = generator(undefined, undefined, []);

    expect(() => load.start(5)).toThrow(NoCustomerCredentialsError);
    expect(load.status().running).toBe(false);
    expect(sent).toHaveLength(0);
  });

  it('when checkouts hang, then the schedule keeps going up to the in-flight cap and the rest are dropped', async () => {
    const load = generator(() => new Promise<number>(() => undefined), 5);

    load.start(20);
    for (let i = 0; i < 20; i++) {
      now += 50;
      await jest.advanceTimersByTimeAsync(50);
    }
    const status = load.stop();

    expect(sent).toHaveLength(5);
    expect(status.outcomes.dropped).toBeGreaterThanOrEqual(15);
  });
});
