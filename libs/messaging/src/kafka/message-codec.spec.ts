import { createEvent } from '@rc/contracts';
import { encodeEvent, headersToRecord } from './message-codec';

describe('encodeEvent', () => {
  it('when an event is encoded, then key is the aggregate id, value the envelope, headers its identity', () => {
    // Arrange
    const event = createEvent(
      'CartItemAdded',
      'cart-7',
      { cartId: 'cart-7', sku: 'SKU-1', quantity: 2 },
      { trace: { traceparent: '00-aaaa-bbbb-01' } },
    );

    // Act
    const message = encodeEvent(event);

    // Assert
    expect(message.key).toBe('cart-7');
    expect(JSON.parse(message.value as string)).toEqual(event);
    expect(message.headers).toEqual({
      traceparent: '00-aaaa-bbbb-01',
      'event-id': event.id,
      'event-type': 'CartItemAdded',
      'event-version': '1',
      'content-type': 'application/json',
    });
  });

  it('when producer-span trace headers are given, then they replace the envelope trace', () => {
    const event = createEvent(
      'CartItemRemoved',
      'cart-1',
      { cartId: 'cart-1', sku: 'S', quantity: 1 },
      { trace: { traceparent: '00-old-old-01' } },
    );

    const message = encodeEvent(event, { traceparent: '00-new-new-01' });

    expect(message.headers?.traceparent).toBe('00-new-new-01');
  });
});

describe('headersToRecord', () => {
  it('when headers are buffers, strings or repeated, then each becomes its (last) string value', () => {
    const record = headersToRecord({
      a: Buffer.from('x'),
      b: 'y',
      c: [Buffer.from('first'), 'second'],
      d: undefined,
    });

    expect(record).toEqual({ a: 'x', b: 'y', c: 'second' });
  });

  it('when there are no headers, then the record is empty', () => {
    expect(headersToRecord(undefined)).toEqual({});
  });
});
