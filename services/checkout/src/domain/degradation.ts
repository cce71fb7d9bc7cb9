/**
 * A fallback a checkout used instead of a dependency's answer. Reported to the client in the
 * `x-degraded` response header (comma-separated) and, for `cart`, stored with the order.
 */
export type Degradation = 'cart' | 'recommendations';
