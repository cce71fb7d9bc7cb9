import { Compensation } from './compensation';
import { FakePayments, FakeReservations } from '../../test/support/fake-dependencies';
import { RecordingLogger } from '../../test/support/checkout-fixture';

function setup() {
  const reservations = new FakeReservations();
  const payments = new FakePayments();
  const logger = new RecordingLogger();
  return {
    reservations,
    payments,
    logger,
    compensation: new Compensation(reservations, payments, logger),
  };
}

describe('Compensation', () => {
  it('when a captured payment exists, then it is refunded and the reservation released', async () => {
    const s = setup();
    s.payments.record({ orderId: 'o-1', amount: 500 }, 'CAPTURED');

    const result = await s.compensation.run('o-1', { checkPayments: true, paymentSettled: true });

    expect(result).toBe('done');
    expect(s.payments.capturedFor('o-1')).toBe(0);
    expect(s.reservations.reservations.get('o-1')).toBe('RELEASED');
  });

  it('when the refund fails, then the release is still attempted and the result is incomplete', async () => {
    const s = setup();
    s.payments.record({ orderId: 'o-1', amount: 500 }, 'CAPTURED');
    s.payments.refundFailure = new Error('payment down');

    const result = await s.compensation.run('o-1', { checkPayments: true, paymentSettled: true });

    expect(result).toBe('incomplete');
    expect(s.reservations.reservations.get('o-1')).toBe('RELEASED');
    expect(s.logger.lines.map((l) => l.message)).toEqual(['compensation: refund not possible now']);
  });

  it('when the release fails, then the result is incomplete', async () => {
    const s = setup();
    s.reservations.releaseFailure = new Error('inventory down');

    const result = await s.compensation.run('o-1', { checkPayments: false, paymentSettled: true });

    expect(result).toBe('incomplete');
  });

  it('when the charge may still be in flight and no payment is visible, then the result is incomplete', async () => {
    const s = setup();

    const result = await s.compensation.run('o-1', { checkPayments: true, paymentSettled: false });

    expect(result).toBe('incomplete');
  });

  it('when the charge may still be in flight and only a FAILED attempt is visible, then the result is incomplete (a retried attempt may still capture)', async () => {
    const s = setup();
    s.payments.record({ orderId: 'o-1', amount: 500 }, 'FAILED');

    const result = await s.compensation.run('o-1', { checkPayments: true, paymentSettled: false });

    expect(result).toBe('incomplete');
    expect(s.reservations.reservations.get('o-1')).toBe('RELEASED');
  });

  it('when the charge may still be in flight and its capture is found, then it is refunded and the result is done', async () => {
    const s = setup();
    s.payments.record({ orderId: 'o-1', amount: 500 }, 'CAPTURED');

    const result = await s.compensation.run('o-1', { checkPayments: true, paymentSettled: false });

    expect(result).toBe('done');
    expect(s.payments.capturedFor('o-1')).toBe(0);
  });

  it('when payments need no check, then payment is not asked at all', async () => {
    const s = setup();
    s.payments.lookupFailure = new Error('must not be called');

    const result = await s.compensation.run('o-1', { checkPayments: false, paymentSettled: true });

    expect(result).toBe('done');
  });
});
