/** A catalogue product as the inventory serves it. Money in minor units of `currency`. */
export interface Product {
  sku: string;
  name: string;
  description: string;
  /** Unit price in minor units. */
  price: number;
  currency: string;
  /** Units that can be reserved now: on hand minus live reservations. */
  available: number;
}

/** The price of one SKU at the moment it is reserved. */
export interface ProductPrice {
  sku: string;
  price: number;
  currency: string;
}
