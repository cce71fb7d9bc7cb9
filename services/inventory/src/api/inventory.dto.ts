import { quantitySchema, skuSchema } from '@rc/contracts';
import type { ProblemCodes } from '@rc/platform';
import { z } from 'zod';
import type { Product } from '../domain/product';
import type { Reservation } from '../domain/reservation';

/** Longest hold a caller may ask for (one day). */
export const MAX_TTL_SECONDS = 86_400;

/** `POST /v1/reservations` body. */
export const reserveBodySchema = z.strictObject({
  orderId: z.uuid(),
  items: z
    .array(z.strictObject({ sku: skuSchema, quantity: quantitySchema }))
    .min(1)
    .max(100),
  ttlSeconds: z.int().min(1).max(MAX_TTL_SECONDS).optional(),
});
export type ReserveBody = z.infer<typeof reserveBodySchema>;

/** `:orderId` path parameter. */
export const orderIdSchema = z.uuid();
/** `:sku` path parameter. */
export const skuParamSchema = skuSchema;

/** A product as served over HTTP, for the OpenAPI document (see {@link productView}). */
export const productResponseSchema = z.object({
  sku: z.string(),
  name: z.string(),
  description: z.string(),
  price: z.int().nonnegative().describe('Unit price, minor units of currency'),
  currency: z.string(),
  available: z.int().describe('Units on hand less the units reserved'),
});

/** `GET /v1/products`. */
export const productListResponseSchema = z.object({ items: z.array(productResponseSchema) });

/** A reservation as served over HTTP, for the OpenAPI document (see {@link reservationView}). */
export const reservationResponseSchema = z.object({
  orderId: z.uuid(),
  status: z.enum(['RESERVED', 'COMMITTED', 'RELEASED', 'EXPIRED']),
  expiresAt: z.iso.datetime(),
  items: z.array(
    z.object({
      sku: z.string(),
      quantity: z.int().positive(),
      unitPrice: z.int().nonnegative(),
      currency: z.string(),
    }),
  ),
});

/** The inventory's own problems (domain/inventory.errors.ts), by route. */
export const inventoryProblems = {
  unknownSku: { 404: ['INVENTORY.UNKNOWN_SKU'] },
  reserve: {
    404: ['INVENTORY.UNKNOWN_SKU'],
    409: ['INVENTORY.INSUFFICIENT_STOCK', 'INVENTORY.RESERVATION_NOT_ACTIVE'],
  },
  commit: {
    404: ['INVENTORY.RESERVATION_NOT_FOUND'],
    409: ['INVENTORY.RESERVATION_NOT_ACTIVE'],
  },
  release: { 409: ['INVENTORY.RESERVATION_COMMITTED'] },
  get: { 404: ['INVENTORY.RESERVATION_NOT_FOUND'] },
} satisfies Record<string, ProblemCodes>;

/** A product as served over HTTP (the `@rc/contracts` Product plus its description). */
export function productView(product: Product) {
  return {
    sku: product.sku,
    name: product.name,
    description: product.description,
    price: product.price,
    currency: product.currency,
    available: product.available,
  };
}

/** A reservation as served over HTTP. */
export function reservationView(reservation: Reservation) {
  return {
    orderId: reservation.orderId,
    status: reservation.status,
    expiresAt: reservation.expiresAt.toISOString(),
    items: reservation.items.map((i) => ({
      sku: i.sku,
      quantity: i.quantity,
      unitPrice: i.unitPrice,
      currency: i.currency,
    })),
  };
}
