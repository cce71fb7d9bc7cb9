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
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SERVICE_CONFIG } from '@rc/platform';
import type { FastifyReply } from 'fastify';
import type { ConsoleConfig } from '../config/console.config';
import { callUpstream, jsonOf, type UpstreamResponse } from '../infrastructure/upstream';

/** The header a service sets when it answered with a fallback (`x-degraded: recommendations`). */
const DEGRADED = 'x-degraded';

/**
 * The storefront's backend-for-frontend: passes the shop's calls to inventory, cart, checkout
 * and recommendations and relays their answers as they are (status, problem+json, `x-degraded`),
 * so the page shows what a real client of the platform would see. Only recommendations get a
 * fallback here (the static best-sellers, labelled), as a product page of the platform would.
 */
@ApiTags('shop')
@Controller('api/shop')
export class ShopController {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: ConsoleConfig) {}

  @Get('products')
  @ApiOperation({ summary: 'The catalogue (inventory), with availability' })
  async products(@Res({ passthrough: true }) reply: FastifyReply) {
    return this.relay(
      reply,
      await this.call('inventory', `${this.config.INVENTORY_URL}/v1/products`),
    );
  }

  @Get('carts/:cartId')
  @ApiOperation({ summary: 'A cart (cart service)' })
  async cart(@Param('cartId') cartId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.relay(reply, await this.call('cart', this.cartUrl(cartId)));
  }

  @Post('carts/:cartId/items')
  @ApiOperation({ summary: 'Set the quantity of one SKU in a cart' })
  async setItem(
    @Param('cartId') cartId: string,
    @Body() body: unknown,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const res = await this.call('cart', `${this.cartUrl(cartId)}/items`, {
      method: 'POST',
      body,
      headers: key ? { 'idempotency-key': key } : {},
    });
    return this.relay(reply, res);
  }

  @Delete('carts/:cartId/items/:sku')
  @ApiOperation({ summary: 'Remove one SKU from a cart' })
  async removeItem(
    @Param('cartId') cartId: string,
    @Param('sku') sku: string,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const res = await this.call(
      'cart',
      `${this.cartUrl(cartId)}/items/${encodeURIComponent(sku)}`,
      {
        method: 'DELETE',
        headers: key ? { 'idempotency-key': key } : {},
      },
    );
    return this.relay(reply, res);
  }

  @Post('checkout')
  @ApiOperation({ summary: 'Place an order (checkout); 402 and 503 problems relayed as they are' })
  async checkout(
    @Body() body: unknown,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const res = await this.call('checkout', `${this.config.CHECKOUT_URL}/v1/checkout`, {
      method: 'POST',
      body,
      headers: key ? { 'idempotency-key': key } : {},
    });
    return this.relay(reply, res);
  }

  @Get('orders/:orderId')
  @ApiOperation({ summary: 'One order (checkout)' })
  async order(@Param('orderId') orderId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const url = `${this.config.CHECKOUT_URL}/v1/orders/${encodeURIComponent(orderId)}`;
    return this.relay(reply, await this.call('checkout', url));
  }

  @Get('recommendations')
  @ApiOperation({
    summary:
      'Suggestions for SKUs in hand; the static best-sellers with x-degraded: recommendations when the service does not answer',
  })
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
      const res = await callUpstream('recommendations', url, {
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

  private cartUrl(cartId: string): string {
    return `${this.config.CART_URL}/v1/carts/${encodeURIComponent(cartId)}`;
  }

  private call(
    service: string,
    url: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<UpstreamResponse> {
    return callUpstream(service, url, { ...init, timeoutMs: this.config.UPSTREAM_TIMEOUT_MS });
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
