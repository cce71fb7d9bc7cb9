import type { ClaimPart, StatementPart } from '@rc/resilience';
import { randomUUID } from 'node:crypto';
import {
  isSameCharge,
  PROVIDER_UNAVAILABLE_CODE,
  type ChargeRequest,
  type Payment,
} from '../domain/payment';
import {
  ChargeOutcomeUnknownError,
  OrderAlreadyPaidError,
  PaymentDeclinedError,
  PaymentInProgressError,
  ProviderUnavailableError,
} from '../domain/payment.errors';
import type { PaymentProvider, TokenFingerprinter } from '../domain/payment-provider.port';
import type { PaymentTransaction, PaymentUnitOfWork } from '../domain/payment-store.port';
import { paymentCapturedEvent, paymentFailedEvent } from './payment-events';

/** The captured payment, and whether this call captured it (false: it was captured before). */
/** What a charge's statements may carry besides their own work. */
export interface ChargeStatementParts {
  /** A part for the first statement, the claim of the payment (run once per charge at most). */
  alsoOnClaim?: () => ClaimPart | undefined;
  /**
   * Given the payment as it will be once captured (its `updatedAt` is known only to the
   * capture's statement), a part for that statement.
   */
  alsoOnCapture?: (captured: Payment) => StatementPart | undefined;
}

export interface ChargeResult {
  payment: Payment;
  created: boolean;
}

type Claim = { kind: 'charge'; payment: Payment } | { kind: 'done'; payment: Payment };

/**
 * Charges a card for an order in three atomic phases (recovery points), so that an order is
 * charged at most once whatever crashes, retries or concurrent requests happen:
 *
 * 1. **Claim** (transaction): insert the payment AUTHORIZED. The partial unique index allows one
 *    live payment per order, so a concurrent charge of the same order finds the claim instead of
 *    reaching the provider: the same charge already CAPTURED is returned as it is (200); one
 *    still running is 409 `PAYMENT.IN_PROGRESS`; a stale claim (its request died) is taken over
 *    and resumed; anything else is 409 `PAYMENT.ORDER_ALREADY_PAID`.
 * 2. **Provider call** (no transaction open): idempotent per payment id at the provider.
 * 3. **Settle** (transaction): CAPTURED + `PaymentCaptured`, or FAILED + `PaymentFailed` — a
 *    decline is recorded and answered 402 `PAYMENT.DECLINED`; a provider that provably did not
 *    charge (unreachable, refused before charging) is recorded as FAILED `provider_unavailable`
 *    (the order's slot is free again) and answered 503 `PAYMENT.PROVIDER_UNAVAILABLE`. A call
 *    that may have charged without answering is NOT settled: the payment stays AUTHORIZED,
 *    marked for the reconciliation worker, and is answered 504 `PAYMENT.OUTCOME_UNKNOWN` —
 *    never "not charged".
 */
export class ChargePayment {
  constructor(
    private readonly uow: PaymentUnitOfWork,
    private readonly provider: PaymentProvider,
    private readonly fingerprinter: TokenFingerprinter,
    /** After this long an AUTHORIZED claim counts as abandoned and may be resumed. */
    private readonly staleClaimAfterMs: number,
  ) {}

  /**
   * `parts` may hand over what the charge's statements carry besides their own work (the
   * request's `Idempotency-Key` claimed by the first, completed by the capture).
   */
  async execute(request: ChargeRequest, parts: ChargeStatementParts = {}): Promise<ChargeResult> {
    const fingerprint = this.fingerprinter.fingerprint(request.token);
    const claim = await this.claimOrResume(request, fingerprint, parts.alsoOnClaim?.());
    if (claim.kind === 'done') return { payment: claim.payment, created: false };
    const payment = claim.payment;

    let verdict;
    try {
      verdict = await this.provider.charge({
        paymentId: payment.id,
        amount: payment.amount,
        currency: payment.currency,
        token: request.token,
      });
    } catch (error) {
      if (error instanceof ChargeOutcomeUnknownError) {
        await this.uow.single((tx) => tx.markOutcomeUnknown(payment.id));
        throw error;
      }
      await this.settleFailed(payment, PROVIDER_UNAVAILABLE_CODE, 'PAYMENT.PROVIDER_UNAVAILABLE');
      throw error instanceof ProviderUnavailableError ? error : new ProviderUnavailableError(error);
    }
    if (verdict.outcome === 'declined') {
      await this.settleFailed(payment, verdict.declineCode, 'PAYMENT.DECLINED');
      throw new PaymentDeclinedError(payment.id, verdict.declineCode);
    }
    const event = paymentCapturedEvent(payment);
    const part = parts.alsoOnCapture?.({ ...payment, status: 'CAPTURED' });
    const captured =
      (await this.uow.single((tx) =>
        tx.settleAuthorized(payment.id, 'CAPTURED', event, undefined, part),
      )) ??
      // Settled meanwhile (a takeover finished first): answer with what it is now.
      (await this.uow.run((tx) => tx.lock(payment.id)))!;
    return { payment: captured, created: true };
  }

  /**
   * The common case — no payment for the order yet — is one INSERT, atomic on its own; only a
   * conflict takes the transactional path that inspects and locks the order's live payment.
   */
  private async claimOrResume(
    request: ChargeRequest,
    fingerprint: string,
    part: ClaimPart | undefined,
  ): Promise<Claim> {
    const claimed = await this.uow.single((tx) =>
      tx.claim(this.newPayment(request, fingerprint), part),
    );
    if (claimed) return { kind: 'charge', payment: claimed };
    return this.uow.run((tx) => this.claim(tx, request, fingerprint));
  }

  private newPayment(request: ChargeRequest, fingerprint: string) {
    return {
      id: randomUUID(),
      orderId: request.orderId,
      amount: request.amount,
      currency: request.currency,
      tokenFingerprint: fingerprint,
    };
  }

  private async claim(
    tx: PaymentTransaction,
    request: ChargeRequest,
    fingerprint: string,
  ): Promise<Claim> {
    // Twice at most: the live payment found on conflict may fail (and free the slot) before we
    // read it; the second insert then succeeds or meets a newer live payment.
    for (let attempt = 1; ; attempt++) {
      const claimed = await tx.claim(this.newPayment(request, fingerprint));
      if (claimed) return { kind: 'charge', payment: claimed };
      const live = await tx.lockLiveForOrder(request.orderId);
      if (!live) {
        if (attempt < 2) continue;
        throw new PaymentInProgressError(request.orderId, null);
      }
      if (!isSameCharge(live, request, fingerprint) || live.status === 'REFUNDED') {
        throw new OrderAlreadyPaidError(request.orderId, live.id, live.status);
      }
      if (live.status === 'CAPTURED') return { kind: 'done', payment: live };
      if (await tx.takeOverStale(live.id, this.staleClaimAfterMs)) {
        return { kind: 'charge', payment: live };
      }
      throw new PaymentInProgressError(request.orderId, live.id);
    }
  }

  private async settleFailed(payment: Payment, declineCode: string, reason: string): Promise<void> {
    // Undefined when no longer AUTHORIZED: settled by someone else, nothing to do.
    await this.uow.single((tx) =>
      tx.settleAuthorized(payment.id, 'FAILED', paymentFailedEvent(payment, reason), declineCode),
    );
  }
}
