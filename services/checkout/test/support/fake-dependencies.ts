import type { CartLine, CartPort } from '../../src/domain/ports/cart.port';
import type { CatalogPort, CatalogPrice } from '../../src/domain/ports/catalog.port';
import type {
  ChargeRequest,
  ChargeResult,
  PaymentPort,
  PaymentSummary,
} from '../../src/domain/ports/payment.port';
import type {
  RecommendationPort,
  Recommendations,
} from '../../src/domain/ports/recommendation.port';
import type {
  ReservationLine,
  ReservationPort,
  ReserveResult,
} from '../../src/domain/ports/reservation.port';

/** A cart service stand-in: carts by id, or a failure. */
export class FakeCart implements CartPort {
  readonly carts = new Map<string, CartLine[]>();
  failure: Error | undefined;
  calls = 0;

  async getLines(cartId: string): Promise<CartLine[]> {
    this.calls++;
    if (this.failure) throw this.failure;
    return this.carts.get(cartId) ?? [];
  }
}

/** A catalogue stand-in: prices by SKU, or a failure. */
export class FakeCatalog implements CatalogPort {
  readonly prices = new Map<string, CatalogPrice>();
  failure: Error | undefined;

  add(sku: string, unitPrice: number, currency = 'EUR'): this {
    this.prices.set(sku, { sku, unitPrice, currency });
    return this;
  }

  async priceOf(sku: string): Promise<CatalogPrice | undefined> {
    if (this.failure) throw this.failure;
    return this.prices.get(sku);
  }
}

/**
 * Inventory reservations stand-in. Keeps reservations like inventory does (RESERVED, RELEASED
 * tombstones), answers `reserveResult` when set, and fails releases while `releaseFailure` is set.
 */
export class FakeReservations implements ReservationPort {
  readonly reservations = new Map<string, 'RESERVED' | 'RELEASED'>();
  readonly reserveCalls: { orderId: string; lines: readonly ReservationLine[] }[] = [];
  readonly releaseCalls: string[] = [];
  reserveResult: ReserveResult | undefined;
  releaseFailure: Error | undefined;

  async reserve(orderId: string, lines: readonly ReservationLine[]): Promise<ReserveResult> {
    this.reserveCalls.push({ orderId, lines });
    if (this.reserveResult) {
      if (this.reserveResult.kind === 'unavailable' && this.reserveResult.maybeApplied)
        this.reservations.set(orderId, 'RESERVED'); // it did land, we just never heard
      return this.reserveResult;
    }
    if (this.reservations.get(orderId) === 'RELEASED') return { kind: 'not_active' };
    this.reservations.set(orderId, 'RESERVED');
    return { kind: 'reserved' };
  }

  async release(orderId: string): Promise<void> {
    this.releaseCalls.push(orderId);
    if (this.releaseFailure) throw this.releaseFailure;
    this.reservations.set(orderId, 'RELEASED');
  }
}

/** A recorded payment of the fake payment service. */
export interface FakePayment {
  paymentId: string;
  orderId: string;
  amount: number;
  status: PaymentSummary['status'];
}

/**
 * Payment stand-in. By default captures. `chargeBehaviour` scripts the outcome; `unknown` with
 * `captureAnyway` models a timeout after which the capture did happen.
 */
export class FakePayments implements PaymentPort {
  readonly payments: FakePayment[] = [];
  readonly chargeCalls: ChargeRequest[] = [];
  readonly refundCalls: string[] = [];
  chargeBehaviour: 'capture' | 'decline' | 'not_charged' | 'unknown' = 'capture';
  captureAnyway = false;
  lookupFailure: Error | undefined;
  refundFailure: Error | undefined;
  private seq = 0;

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    this.chargeCalls.push(request);
    switch (this.chargeBehaviour) {
      case 'capture':
        return { kind: 'captured', paymentId: this.record(request, 'CAPTURED') };
      case 'decline':
        this.record(request, 'FAILED');
        return { kind: 'declined', declineCode: 'card_declined' };
      case 'not_charged':
        return { kind: 'not_charged', cause: new Error('provider unavailable') };
      case 'unknown':
        if (this.captureAnyway) this.record(request, 'CAPTURED');
        return { kind: 'unknown', cause: new Error('attempt timeout') };
    }
  }

  async paymentsOf(orderId: string): Promise<PaymentSummary[]> {
    if (this.lookupFailure) throw this.lookupFailure;
    return this.payments
      .filter((p) => p.orderId === orderId)
      .map(({ paymentId, status }) => ({ paymentId, status }));
  }

  async refund(orderId: string, paymentId: string): Promise<void> {
    this.refundCalls.push(paymentId);
    if (this.refundFailure) throw this.refundFailure;
    const payment = this.payments.find((p) => p.paymentId === paymentId && p.orderId === orderId);
    if (payment) payment.status = 'REFUNDED';
  }

  /** Test helper: a payment that exists for `orderId` (e.g. captured just before a crash). */
  record(
    request: Pick<ChargeRequest, 'orderId' | 'amount'>,
    status: FakePayment['status'],
  ): string {
    const paymentId = `pay-${++this.seq}`;
    this.payments.push({ paymentId, orderId: request.orderId, amount: request.amount, status });
    return paymentId;
  }

  /** Captured money not refunded, for `orderId`. */
  capturedFor(orderId: string): number {
    return this.payments
      .filter((p) => p.orderId === orderId && p.status === 'CAPTURED')
      .reduce((sum, p) => sum + p.amount, 0);
  }
}

/** Recommendations stand-in: a fixed answer, or the degraded fallback. */
export class FakeRecommendations implements RecommendationPort {
  answer: Recommendations = { skus: ['REC-1', 'REC-2'], degraded: false };
  /** Holds every answer until it resolves. */
  gate: Promise<void> = Promise.resolve();

  async recommend(): Promise<Recommendations> {
    await this.gate;
    return this.answer;
  }
}
