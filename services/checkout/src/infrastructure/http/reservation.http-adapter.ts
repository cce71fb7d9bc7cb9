import type { ResilientHttpClient } from '@rc/resilience';
import { z } from 'zod';
import type {
  ReservationLine,
  ReservationPort,
  ReserveResult,
} from '../../domain/ports/reservation.port';
import { callDependency } from './dependency-call';
import { answerOf, skusOf } from './problem-of';

const reservationSchema = z.object({
  orderId: z.string(),
  status: z.enum(['RESERVED', 'COMMITTED', 'RELEASED', 'EXPIRED']),
});

/**
 * {@link ReservationPort} over inventory's reservation API, policy `inventory`. Keys are derived
 * from the order (`order:<id>:reserve`, `order:<id>:release`), so every retry — by the policy,
 * by a client retry, by the recovery worker — is the same request to inventory.
 */
export class ReservationHttpAdapter implements ReservationPort {
  constructor(private readonly client: ResilientHttpClient) {}

  async reserve(orderId: string, lines: readonly ReservationLine[]): Promise<ReserveResult> {
    const result = await callDependency(this.client, {
      method: 'POST',
      path: '/v1/reservations',
      urlTemplate: '/v1/reservations',
      body: { orderId, items: lines.map(({ sku, quantity }) => ({ sku, quantity })) },
      idempotencyKey: `order:${orderId}:reserve`,
      parse: (body) => reservationSchema.parse(body),
    });
    if (result.ok) {
      const { status } = result.response.body;
      return status === 'RESERVED' || status === 'COMMITTED'
        ? { kind: 'reserved' }
        : { kind: 'not_active' };
    }
    const answer = answerOf(result.error);
    switch (answer?.code) {
      case 'INVENTORY.INSUFFICIENT_STOCK':
        return { kind: 'insufficient_stock', skus: skusOf(answer.problem) };
      case 'INVENTORY.UNKNOWN_SKU':
        return { kind: 'unknown_sku', skus: skusOf(answer.problem) };
      case 'INVENTORY.RESERVATION_NOT_ACTIVE':
        return { kind: 'not_active' };
      default:
        return { kind: 'unavailable', maybeApplied: result.maybeApplied, cause: result.error };
    }
  }

  async release(orderId: string): Promise<void> {
    const result = await callDependency(this.client, {
      method: 'POST',
      path: `/v1/reservations/${encodeURIComponent(orderId)}/release`,
      urlTemplate: '/v1/reservations/:orderId/release',
      body: {},
      idempotencyKey: `order:${orderId}:release`,
      parse: (body) => reservationSchema.parse(body),
    });
    if (result.ok) return;
    // Released already, or expired: either way the order holds no stock any more.
    if (answerOf(result.error)?.code === 'INVENTORY.RESERVATION_NOT_ACTIVE') return;
    throw result.error;
  }
}
