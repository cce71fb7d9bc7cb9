import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An order status as checkout's `GET /v1/orders/:orderId` reports it. */
export type CheckoutOrderStatus =
  'PENDING' | 'RESERVED' | 'CHARGED' | 'CONFIRMED' | 'COMPENSATING' | 'FAILED';

/**
 * A real HTTP server standing in for checkout's order read ONLY (`GET /v1/orders/:orderId`),
 * with checkout's answer shapes: 200 `{orderId, status, …}`, or 404 problem+json with
 * `CHECKOUT.ORDER_NOT_FOUND` for an order it does not have. Everything else is a 404 without
 * that code. Orders are set by the test; `requests` counts the reads per order.
 */
export class CheckoutStandIn {
  readonly orders = new Map<string, CheckoutOrderStatus>();
  readonly requests = new Map<string, number>();
  private server: Server | undefined;
  private port = 0;

  /** Listens on an ephemeral port (or the one it had before a {@link stop}). */
  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const match = /^\/v1\/orders\/([0-9a-f-]{36})$/.exec(req.url ?? '');
      if (req.method !== 'GET' || !match) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"no route"}');
        return;
      }
      const orderId = match[1]!;
      this.requests.set(orderId, (this.requests.get(orderId) ?? 0) + 1);
      const status = this.orders.get(orderId);
      if (!status) {
        res.writeHead(404, { 'content-type': 'application/problem+json' }).end(
          JSON.stringify({
            type: 'about:blank',
            title: 'Not Found',
            status: 404,
            code: 'CHECKOUT.ORDER_NOT_FOUND',
          }),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          orderId,
          customerId: 'c-1',
          status,
          total: 1_000,
          currency: 'EUR',
          items: [],
          paymentId: null,
          failureCode: null,
          createdAt: new Date().toISOString(),
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening (connections are refused until {@link start} again). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
}
