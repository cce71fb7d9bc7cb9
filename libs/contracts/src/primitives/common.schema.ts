import { z } from 'zod';

/**
 * Field schemas shared by every event and DTO. Money is always an integer amount of the
 * currency's minor unit (cents) plus an ISO 4217 code: no floats, no rounding surprises.
 */

/** ISO 4217 alphabetic currency code, e.g. `EUR`. */
export const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code like EUR');

/** A non-negative amount in the currency's minor unit (e.g. cents), as a safe integer. */
export const moneyAmountSchema = z.int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** A strictly positive amount in minor units (a charge or refund of nothing is not an event). */
export const positiveMoneyAmountSchema = z.int().positive().max(Number.MAX_SAFE_INTEGER);

/** Stock-keeping unit: letters, digits, `.`, `_` and `-`, 1–64 characters. */
export const skuSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-"');

/** A line quantity: a whole number of units, at least 1 and at most 10 000. */
export const quantitySchema = z.int().positive().max(10_000);

/** An aggregate or entity identifier chosen by its owning service (UUIDs in practice). */
export const entityIdSchema = z.string().min(1).max(128);

/**
 * A stable reason code in the platform's error-code style (`CHECKOUT.PAYMENT_DECLINED`):
 * upper-case segments joined by dots.
 */
export const reasonCodeSchema = z
  .string()
  .max(100)
  .regex(/^[A-Z][A-Z0-9_]*(\.[A-Z][A-Z0-9_]*)*$/, 'must be an upper-case code like CHECKOUT.X');

/** A quantity of one SKU (used by stock events and cart lines). */
export const skuQuantitySchema = z.object({ sku: skuSchema, quantity: quantitySchema });

/** A quantity of one SKU. */
export type SkuQuantity = z.infer<typeof skuQuantitySchema>;
