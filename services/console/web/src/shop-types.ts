/** A product of the catalogue (inventory's `GET /v1/products`). */
export interface Product {
  sku: string;
  name: string;
  description?: string;
  price: number;
  currency: string;
  available: number;
}

/** A line of a cart or an order. */
export interface Line {
  sku: string;
  quantity: number;
}

/** A confirmed order (checkout's 201). */
export interface Order {
  orderId: string;
  status: string;
  total: number;
  currency: string;
  items: (Line & { unitPrice: number })[];
  recommendations: string[];
}
