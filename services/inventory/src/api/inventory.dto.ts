import { quantitySchema, skuSchema } from '@rc/contracts';
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
