import {
  InventoryUnavailableError,
  MixedCurrencyError,
  UnknownSkuError,
} from '../domain/checkout.errors';
import type { OrderLine } from '../domain/order';
import type { CartLine } from '../domain/ports/cart.port';
import type { CatalogPort, CatalogPrice } from '../domain/ports/catalog.port';

/** Lines with their unit prices, and the order's currency. */
export interface PricedLines {
  readonly lines: readonly OrderLine[];
  readonly currency: string;
}

/**
 * Step 2: prices every line from the inventory catalogue (concurrently; the `inventory` policy's
 * bulkhead bounds how many at once). Nothing is written before this succeeds.
 * @throws UnknownSkuError naming every SKU the catalogue does not know (422)
 * @throws InventoryUnavailableError the catalogue could not answer (503)
 * @throws MixedCurrencyError the products are priced in different currencies (422)
 */
export async function priceOrderLines(
  catalog: CatalogPort,
  lines: readonly CartLine[],
): Promise<PricedLines> {
  const answers = await Promise.allSettled(lines.map((line) => catalog.priceOf(line.sku)));
  const priced: { line: CartLine; price: CatalogPrice }[] = [];
  const unknown: string[] = [];
  for (const [i, answer] of answers.entries()) {
    const line = lines[i] as CartLine;
    if (answer.status === 'rejected') throw new InventoryUnavailableError({ cause: answer.reason });
    if (answer.value === undefined) unknown.push(line.sku);
    else priced.push({ line, price: answer.value });
  }
  if (unknown.length > 0) throw new UnknownSkuError(unknown);
  const currencies = [...new Set(priced.map(({ price }) => price.currency))];
  const [currency] = currencies;
  if (currency === undefined || currencies.length > 1) throw new MixedCurrencyError(currencies);
  return {
    lines: priced.map(({ line, price }) => ({
      sku: line.sku,
      quantity: line.quantity,
      unitPrice: price.unitPrice,
    })),
    currency,
  };
}
