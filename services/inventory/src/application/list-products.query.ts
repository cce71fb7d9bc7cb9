import type { InventoryReader } from '../domain/inventory-store.port';
import type { Product } from '../domain/product';

/** The whole catalogue with what is available now, ordered by SKU. */
export class ListProducts {
  constructor(private readonly reader: InventoryReader) {}

  execute(): Promise<Product[]> {
    return this.reader.listProducts();
  }
}
