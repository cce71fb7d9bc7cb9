/** DI tokens of the inventory's connections. */
export const PG_POOL = Symbol('PG_POOL');
export const REDIS = Symbol('REDIS');
export const KAFKA = Symbol('KAFKA');
