import { randomUUID } from 'node:crypto';
import { SimulatedPaymentProvider } from './simulated-payment.provider';

describe('SimulatedPaymentProvider', () => {
  const charge = (provider: SimulatedPaymentProvider, token: string, paymentId = randomUUID()) =>
    provider.charge({ paymentId, amount: 100, currency: 'EUR', token });

  it('when the token is tok_visa, tok_declined or anything else, then it approves, declines card_declined, declines invalid_token', async () => {
    const provider = new SimulatedPaymentProvider();

    expect(await charge(provider, 'tok_visa')).toEqual({ outcome: 'approved' });
    expect(await charge(provider, 'tok_declined')).toEqual({
      outcome: 'declined',
      declineCode: 'card_declined',
    });
    expect(await charge(provider, 'tok_mastercard')).toEqual({
      outcome: 'declined',
      declineCode: 'invalid_token',
    });
  });

  it('when a payment id is charged twice, then the first result is returned and money moves once', async () => {
    const provider = new SimulatedPaymentProvider();
    const id = randomUUID();

    await charge(provider, 'tok_visa', id);
    const again = await charge(provider, 'tok_declined', id);

    expect(again).toEqual({ outcome: 'approved' });
    expect(provider.capturedCount).toBe(1);
  });

  it('when more results than it remembers arrive, then the oldest are forgotten', async () => {
    const provider = new SimulatedPaymentProvider(2);
    const first = randomUUID();
    await charge(provider, 'tok_visa', first);
    await charge(provider, 'tok_visa');
    await charge(provider, 'tok_visa');

    expect(provider.capturedCount).toBe(2);
    expect(await charge(provider, 'tok_declined', first)).toMatchObject({ outcome: 'declined' });
  });

  it('when a charge is looked up, then the simulator tells captured (with the amount), declined or not found', async () => {
    const simulator = new SimulatedPaymentProvider();
    await simulator.charge({ paymentId: 'p1', amount: 700, currency: 'EUR', token: 'tok_visa' });
    await simulator.charge({
      paymentId: 'p2',
      amount: 700,
      currency: 'EUR',
      token: 'tok_declined',
    });

    expect(await simulator.lookup('p1')).toEqual({
      status: 'captured',
      amount: 700,
      currency: 'EUR',
    });
    expect(await simulator.lookup('p2')).toEqual({
      status: 'declined',
      declineCode: 'card_declined',
    });
    expect(await simulator.lookup('p3')).toEqual({ status: 'not_found' });
  });

  it('when the token is tok_timeout_after_charge, then the money is taken and no call for that payment ever answers', async () => {
    const simulator = new SimulatedPaymentProvider();
    const request = {
      paymentId: 'p1',
      amount: 700,
      currency: 'EUR',
      token: 'tok_timeout_after_charge',
    };
    const answered = jest.fn();

    void simulator.charge(request).then(answered);
    void simulator.charge(request).then(answered);
    await new Promise((resolve) => setImmediate(resolve));

    expect(answered).not.toHaveBeenCalled();
    expect(simulator.capturedCount).toBe(1);
    expect(await simulator.lookup('p1')).toMatchObject({ status: 'captured', amount: 700 });
  });
});
