import { DOMAIN_TOPICS, TOPICS } from '../topics';
import { EVENT_REGISTRY, EVENT_TYPES, eventTypesOf, isEventType } from './event-registry';

describe('event registry', () => {
  it('when listed by topic, then each domain has exactly the event types of the brief', () => {
    const byTopic = Object.fromEntries(DOMAIN_TOPICS.map((t) => [t, eventTypesOf(t)]));

    expect(byTopic).toEqual({
      orders: ['OrderPlaced', 'OrderFailed'],
      payments: ['PaymentCaptured', 'PaymentRefunded', 'PaymentFailed'],
      inventory: ['StockReserved', 'StockReleased', 'StockCommitted'],
      carts: ['CartItemAdded', 'CartItemRemoved'],
    });
  });

  it('when every type is checked, then each has a positive integer version and a domain topic', () => {
    for (const type of EVENT_TYPES) {
      const { version, topic } = EVENT_REGISTRY[type];
      expect(Number.isInteger(version) && version > 0).toBe(true);
      expect(DOMAIN_TOPICS).toContain(topic);
    }
  });

  it('when a name is looked up, then only registered types match (not prototype keys)', () => {
    expect(isEventType('OrderPlaced')).toBe(true);
    expect(isEventType('toString')).toBe(false);
    expect(isEventType('orderplaced')).toBe(false);
  });

  it('when topic names are read, then they are the four domain topics', () => {
    expect(TOPICS).toEqual({
      orders: 'orders',
      payments: 'payments',
      inventory: 'inventory',
      carts: 'carts',
    });
  });
});
