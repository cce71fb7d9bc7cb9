/**
 * @rc/contracts — what services agree on: the event envelope, every event type's schema and
 * topic, and the HTTP DTOs shared between services. Depends on zod only.
 */
export {
  ContractError,
  isContractError,
  EventValidationError,
  type EventValidationCode,
  type ValidationIssue,
} from './contracts.errors';
export {
  TOPICS,
  DOMAIN_TOPICS,
  DLQ_SUFFIX,
  dlqTopicOf,
  isDlqTopic,
  type DomainTopic,
} from './topics';
export {
  currencySchema,
  moneyAmountSchema,
  positiveMoneyAmountSchema,
  skuSchema,
  quantitySchema,
  entityIdSchema,
  reasonCodeSchema,
  skuQuantitySchema,
  type SkuQuantity,
} from './primitives/common.schema';
export {
  orderLineSchema,
  orderPlacedDataSchema,
  orderFailedDataSchema,
  type OrderPlacedData,
  type OrderFailedData,
} from './events/orders.events';
export {
  paymentCapturedDataSchema,
  paymentRefundedDataSchema,
  paymentFailedDataSchema,
  type PaymentCapturedData,
  type PaymentRefundedData,
  type PaymentFailedData,
} from './events/payments.events';
export {
  stockReservedDataSchema,
  stockReleasedDataSchema,
  stockCommittedDataSchema,
  type StockMovementData,
} from './events/inventory.events';
export {
  cartItemAddedDataSchema,
  cartItemRemovedDataSchema,
  type CartLineChangeData,
} from './events/carts.events';
export {
  EVENT_REGISTRY,
  EVENT_TYPES,
  isEventType,
  eventTypesOf,
  type EventDefinition,
  type EventType,
  type EventData,
} from './events/event-registry';
export {
  eventEnvelopeSchema,
  traceCarrierSchema,
  type EventEnvelope,
  type EventOf,
  type DomainEvent,
} from './envelope/event-envelope.schema';
export { createEvent, type CreateEventOptions } from './envelope/create-event';
export { parseEvent, type ParseEventResult, type ParseEventOptions } from './envelope/parse-event';
export { checkoutRequestSchema, type CheckoutRequest } from './http/checkout.dto';
export { productSchema, type Product } from './http/product.dto';
export { cartItemSchema, type CartItem } from './http/cart.dto';
