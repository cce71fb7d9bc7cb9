/** DI tokens of the payment service's connections and adapters. */
export const PG_POOL = Symbol('PG_POOL');
export const KAFKA = Symbol('KAFKA');
export const FAULT_INJECTOR = Symbol('FAULT_INJECTOR');
export const PAYMENT_PROVIDER = Symbol('PAYMENT_PROVIDER');
