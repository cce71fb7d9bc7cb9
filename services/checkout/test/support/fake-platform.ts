import { randomUUID } from 'node:crypto';
import { ContractServer, json, problem, sleep } from './contract-server';

interface FakePayment {
  paymentId: string;
  orderId: string;
  amount: number;
  currency: string;
  status: 'CAPTURED' | 'REFUNDED' | 'FAILED';
}

/**
 * Inventory, payment, cart and recommendations as one stateful stand-in that speaks their
 * contracts (the services spec): reservations idempotent by order id with release tombstones,
 * charges deduplicated by Idempotency-Key with one live payment per order, 402 declines,
 * 503 `PAYMENT.PROVIDER_UNAVAILABLE`. Switches make a dependency slow or down.
 */
export class FakePlatform {
  readonly stock = new Map<string, { price: number; available: number }>([
    ['MUG', { price: 1_200, available: 1_000 }],
    ['TEA', { price: 450, available: 1_000 }],
  ]);
  readonly reservations = new Map<string, 'RESERVED' | 'RELEASED'>();
  readonly payments: FakePayment[] = [];
  readonly carts = new Map<string, { sku: string; quantity: number }[]>();
  private readonly chargesByKey = new Map<string, { status: number; body: unknown }>();
  payment: 'up' | 'down' | 'hang' = 'up';
  cart: 'up' | 'down' = 'up';
  recommendations: 'up' | 'slow' = 'up';

  private constructor(readonly server: ContractServer) {}

  static async start(): Promise<FakePlatform> {
    const fake = new FakePlatform(await ContractServer.start());
    fake.install();
    return fake;
  }

  get url(): string {
    return this.server.url;
  }

  /** Captured, not refunded, money of an order. */
  capturedFor(orderId: string): number {
    return this.payments
      .filter((p) => p.orderId === orderId && p.status === 'CAPTURED')
      .reduce((sum, p) => sum + p.amount, 0);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private install(): void {
    const s = this.server;
    s.on('GET /v1/products/:sku', (req, res) => {
      const item = this.stock.get(req.params.sku!);
      if (!item)
        return problem(res, 404, 'INVENTORY.UNKNOWN_SKU', 'unknown', { skus: [req.params.sku] });
      json(res, 200, {
        sku: req.params.sku,
        name: req.params.sku,
        price: item.price,
        currency: 'EUR',
        available: item.available,
      });
    });
    s.on('POST /v1/reservations', (req, res) => {
      const body = req.body as { orderId: string; items: { sku: string; quantity: number }[] };
      const existing = this.reservations.get(body.orderId);
      if (existing === 'RELEASED')
        return problem(res, 409, 'INVENTORY.RESERVATION_NOT_ACTIVE', 'released', {
          status: 'RELEASED',
        });
      if (existing) return json(res, 200, { orderId: body.orderId, status: existing });
      const short = body.items.filter((i) => (this.stock.get(i.sku)?.available ?? 0) < i.quantity);
      if (short.length > 0)
        return problem(res, 409, 'INVENTORY.INSUFFICIENT_STOCK', 'short', {
          skus: short.map((i) => i.sku),
        });
      for (const i of body.items) this.stock.get(i.sku)!.available -= i.quantity;
      this.reservations.set(body.orderId, 'RESERVED');
      json(res, 201, { orderId: body.orderId, status: 'RESERVED', items: body.items });
    });
    s.on('POST /v1/reservations/:orderId/release', (req, res) => {
      this.reservations.set(req.params.orderId!, 'RELEASED');
      json(res, 200, { orderId: req.params.orderId, status: 'RELEASED' });
    });
    s.on('POST /v1/payments', async (req, res) => {
      if (this.payment === 'hang') await sleep(5_000);
      if (this.payment === 'down')
        return problem(res, 503, 'PAYMENT.PROVIDER_UNAVAILABLE', 'provider down');
      const key = `${String(req.headers['x-client-id'])}|${String(req.headers['idempotency-key'])}`;
      const stored = this.chargesByKey.get(key);
      if (stored) return json(res, stored.status, stored.body);
      const body = req.body as { orderId: string; amount: number; currency: string; token: string };
      const approved = body.token === 'tok_visa';
      const payment: FakePayment = {
        paymentId: randomUUID(),
        orderId: body.orderId,
        amount: body.amount,
        currency: body.currency,
        status: approved ? 'CAPTURED' : 'FAILED',
      };
      this.payments.push(payment);
      const answer = approved
        ? { status: 201, body: { ...payment, status: 'CAPTURED' } }
        : {
            status: 402,
            body: {
              type: 'urn:problem:payment.declined',
              title: 'Payment Required',
              status: 402,
              code: 'PAYMENT.DECLINED',
              detail: 'declined',
              declineCode: 'card_declined',
            },
          };
      this.chargesByKey.set(key, answer);
      json(res, answer.status, answer.body);
    });
    s.on('GET /v1/payments', (req, res) =>
      json(res, 200, {
        items: this.payments
          .filter((p) => p.orderId === req.query.get('orderId'))
          .map((p) => ({ ...p, createdAt: new Date().toISOString() })),
      }),
    );
    s.on('POST /v1/payments/:paymentId/refund', (req, res) => {
      const payment = this.payments.find((p) => p.paymentId === req.params.paymentId);
      if (!payment || payment.status === 'FAILED')
        return problem(res, 409, 'PAYMENT.NOT_REFUNDABLE', 'not refundable');
      payment.status = 'REFUNDED';
      json(res, 200, { paymentId: payment.paymentId, status: 'REFUNDED' });
    });
    s.on('GET /v1/carts/:cartId', (req, res) => {
      if (this.cart === 'down') return problem(res, 503, 'CART.STORE_UNAVAILABLE', 'down');
      json(res, 200, {
        cartId: req.params.cartId,
        items: this.carts.get(req.params.cartId!) ?? [],
      });
    });
    s.on('GET /v1/recommendations', async (_req, res) => {
      if (this.recommendations === 'slow') await sleep(1_000);
      json(res, 200, { skus: ['REC-1', 'REC-2'], source: 'model' });
    });
  }
}
