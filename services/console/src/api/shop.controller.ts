import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  Inject,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ApiProblems,
  ApiRelayedProblems,
  JSON_BODY_PROBLEMS,
  SERVICE_CONFIG,
  type ProblemCodes,
} from '@rc/platform';
import type { FastifyReply } from 'fastify';
import type { ConsoleConfig } from '../config/console.config';
import { CustomerDirectory } from '../domain/customer-directory';
import { jsonOf, UPSTREAM, type Upstream, type UpstreamResponse } from '../domain/upstream.port';

/** The console's own refusal of a relayed call: the service did not answer in time. */
const UNREACHABLE: ProblemCodes = { 503: ['CONSOLE.UPSTREAM_UNAVAILABLE'] };

/** The console's refusals of a customer's call: no such customer here, or no customers at all. */
const CUSTOMER: ProblemCodes = {
  400: ['CONSOLE.UNKNOWN_CUSTOMER'],
  503: ['CONSOLE.NO_CUSTOMER_CREDENTIALS'],
};

/** The header in which the page names the customer it acts as (never sent on to a service). */
export const CUSTOMER_HEADER = 'x-customer-id';

/** The body a service answered, relayed as it is (its own document gives the schema). */
const relayedBody = (what: string, status = 200) =>
  ApiResponse({ status, schema: { type: 'object', description: `As ${what} answers it.` } });

/** The header a service sets when it answered with a fallback (`x-degraded: recommendations`). */
const DEGRADED = 'x-degraded';

/**
 * The storefront's backend-for-frontend: passes the shop's calls to inventory, cart, checkout
 * and recommendations and relays their answers as they are (status, problem+json, `x-degraded`),
 * so the page shows what a real client of the platform would see. Only recommendations get a
 * fallback here (the static best-sellers, labelled), as a product page of the platform would.
 * Cart, checkout and order calls are a customer's: the page names one of the console's customers
 * (`x-customer-id`) and the call carries that customer's bearer token, which never leaves the BFF.
 */
@ApiTags('shop')
@Controller('api/shop')
export class ShopController {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ConsoleConfig,
    @Inject(CustomerDirectory) private readonly customers: CustomerDirectory,
    @Inject(UPSTREAM) private readonly upstream: Upstream,
  ) {}

  @Get('customers')
  @ApiOperation({ summary: 'The customers the shopper can act as (ids only, never tokens)' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['customers'],
      properties: {
        customers: {
          type: 'array',
          items: {
            type: 'object',
            required: ['customerId'],
            properties: { customerId: { type: 'string' } },
          },
        },
      },
    },
  })
  @ApiProblems({ 503: ['CONSOLE.NO_CUSTOMER_CREDENTIALS'] })
  customerList() {
    this.customers.requireCustomers();
    return { customers: this.customers.ids().map((customerId) => ({ customerId })) };
  }

  @Get('products')
  @ApiOperation({ summary: 'The catalogue (inventory), with availability' })
  @relayedBody('inventory GET /v1/products')
  @ApiRelayedProblems('inventory', [429, 503, 504, 500], UNREACHABLE)
  async products(@Res({ passthrough: true }) reply: FastifyReply) {
    return this.relay(
      reply,
      await this.call('inventory', `${this.config.INVENTORY_URL}/v1/products`),
    );
  }

  @Get('carts/:cartId')
  @ApiOperation({ summary: 'A cart (cart service)' })
  @relayedBody('cart GET /v1/carts/{cartId}')
  @ApiRelayedProblems('cart', [400, 401, 429, 503, 504, 500], CUSTOMER, UNREACHABLE)
  async cart(
    @Param('cartId') cartId: string,
    @Headers(CUSTOMER_HEADER) customerId: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const headers = this.asCustomer(customerId);
    return this.relay(reply, await this.call('cart', this.cartUrl(cartId), { headers }));
  }

  @Post('carts/:cartId/items')
  @ApiOperation({ summary: 'Set the quantity of one SKU in a cart' })
  @relayedBody('cart POST /v1/carts/{cartId}/items')
  @ApiRelayedProblems(
    'cart',
    [400, 401, 409, 413, 415, 422, 429, 503, 504, 500],
    JSON_BODY_PROBLEMS,
    CUSTOMER,
    UNREACHABLE,
  )
  async setItem(
    @Param('cartId') cartId: string,
    @Body() body: unknown,
    @Headers('idempotency-key') key: string | undefined,
    @Headers(CUSTOMER_HEADER) customerId: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const res = await this.call('cart', `${this.cartUrl(cartId)}/items`, {
      method: 'POST',
      body,
      headers: this.asCustomer(customerId, key),
    });
    return this.relay(reply, res);
  }

  @Delete('carts/:cartId/items/:sku')
  @ApiOperation({ summary: 'Remove one SKU from a cart' })
  @relayedBody('cart DELETE /v1/carts/{cartId}/items/{sku}')
  @ApiRelayedProblems('cart', [400, 401, 409, 422, 429, 503, 504, 500], CUSTOMER, UNREACHABLE)
  async removeItem(
    @Param('cartId') cartId: string,
    @Param('sku') sku: string,
    @Headers('idempotency-key') key: string | undefined,
    @Headers(CUSTOMER_HEADER) customerId: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const res = await this.call(
      'cart',
      `${this.cartUrl(cartId)}/items/${encodeURIComponent(sku)}`,
      { method: 'DELETE', headers: this.asCustomer(customerId, key) },
    );
    return this.relay(reply, res);
  }

  @Post('checkout')
  @ApiOperation({ summary: 'Place an order (checkout); 402 and 503 problems relayed as they are' })
  @relayedBody('checkout POST /v1/checkout', 201)
  @ApiRelayedProblems(
    'checkout',
    [400, 401, 402, 403, 409, 413, 415, 422, 429, 503, 504, 500],
    JSON_BODY_PROBLEMS,
    CUSTOMER,
    UNREACHABLE,
  )
  async checkout(
    @Body() body: unknown,
    @Headers('idempotency-key') key: string | undefined,
    @Headers(CUSTOMER_HEADER) customerId: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const res = await this.call('checkout', `${this.config.CHECKOUT_URL}/v1/checkout`, {
      method: 'POST',
      body,
      headers: this.asCustomer(customerId, key),
    });
    return this.relay(reply, res);
  }

  @Get('orders/:orderId')
  @ApiOperation({ summary: 'One order (checkout)' })
  @relayedBody('checkout GET /v1/orders/{orderId}')
  @ApiRelayedProblems('checkout', [400, 401, 404, 429, 503, 504, 500], CUSTOMER, UNREACHABLE)
  async order(
    @Param('orderId') orderId: string,
    @Headers(CUSTOMER_HEADER) customerId: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const headers = this.asCustomer(customerId);
    const url = `${this.config.CHECKOUT_URL}/v1/orders/${encodeURIComponent(orderId)}`;
    return this.relay(reply, await this.call('checkout', url, { headers }));
  }

  @Get('recommendations')
  @ApiOperation({
    summary:
      'Suggestions for SKUs in hand; the static best-sellers with x-degraded: recommendations when the service does not answer',
  })
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['skus', 'source'],
      properties: {
        skus: { type: 'array', items: { type: 'string' } },
        source: { type: 'string' },
      },
    },
  })
  // Every failure of the service falls back to the best-sellers: only a bug is an error here.
  @ApiProblems()
  async recommendations(
    @Query('skus') skus: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const wanted = (skus ?? '').split(',').filter(Boolean).slice(0, 20);
    const fallback = () => {
      reply.header(DEGRADED, 'recommendations');
      return {
        skus: this.config.STATIC_BESTSELLERS.filter((s) => !wanted.includes(s)),
        source: 'bestsellers',
      };
    };
    // Nothing in hand: the best-sellers are the answer, not a fallback.
    if (wanted.length === 0) return { skus: this.config.STATIC_BESTSELLERS, source: 'bestsellers' };
    try {
      const url = `${this.config.RECOMMENDATIONS_URL}/v1/recommendations?skus=${encodeURIComponent(wanted.join(','))}&limit=4`;
      const res = await this.upstream.call('recommendations', url, {
        timeoutMs: this.config.RECOMMENDATIONS_TIMEOUT_MS,
      });
      const body = jsonOf(res) as { skus?: string[]; source?: string } | undefined;
      if (res.status !== 200 || !Array.isArray(body?.skus)) return fallback();
      // The service's own last resort is its best-sellers: label it the same way.
      if (body.source === 'bestsellers') reply.header(DEGRADED, 'recommendations');
      return body;
    } catch {
      return fallback();
    }
  }

  /**
   * The headers of a customer's call: the named customer's bearer token (and the page's
   * `Idempotency-Key`). @throws UnknownCustomerError, NoCustomerCredentialsError
   */
  private asCustomer(customerId: string | undefined, key?: string): Record<string, string> {
    return {
      authorization: `Bearer ${this.customers.tokenOf(customerId)}`,
      ...(key ? { 'idempotency-key': key } : {}),
    };
  }

  private cartUrl(cartId: string): string {
    return `${this.config.CART_URL}/v1/carts/${encodeURIComponent(cartId)}`;
  }

  private call(
    service: string,
    url: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<UpstreamResponse> {
    return this.upstream.call(service, url, {
      ...init,
      timeoutMs: this.config.UPSTREAM_TIMEOUT_MS,
    });
  }

  /** Answers with the service's status, content type, `x-degraded` and body. */
  private relay(reply: FastifyReply, res: UpstreamResponse): string {
    reply.status(res.status);
    reply.header('content-type', res.headers.get('content-type') ?? 'application/json');
    const degraded = res.headers.get(DEGRADED);
    if (degraded) reply.header(DEGRADED, degraded);
    const retryAfter = res.headers.get('retry-after');
    if (retryAfter) reply.header('retry-after', retryAfter);
    return res.text;
  }
}
