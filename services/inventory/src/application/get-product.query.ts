import { UnknownSkuError } from '../domain/inventory.errors';
import type { InventoryReader } from '../domain/inventory-store.port';
import type { Product } from '../domain/product';

/** One product with what is available now; 404 `INVENTORY.UNKNOWN_SKU` when absent. */
export class GetProduct {
  constructor(private readonly reader: InventoryReader) {}

  async execute(sku: string): Promise<Product> {
    const product = await this.reader.findProduct(sku);
    if (!product) throw new UnknownSkuError([sku]);
    return product;
  }
}
