/** DI tokens of the inventory's connections. */
export const PG_POOL = Symbol('PG_POOL');
export const REDIS = Symbol('REDIS');
export const KAFKA = Symbol('KAFKA');
/** DI token of the OrderStatusPort (checkout's order read, for the expiry worker). */
export const ORDER_STATUS = Symbol('ORDER_STATUS');
