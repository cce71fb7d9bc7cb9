import { randomUUID } from 'node:crypto';
import { isContractError } from '../contracts.errors';
import { parseEvent } from './parse-event';

function orderPlacedEnvelope(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: randomUUID(),
    type: 'OrderPlaced',
    version: 1,
    occurredAt: '2025-01-02T03:04:05.678Z',
    key: 'order-1',
    trace: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    data: {
      orderId: 'order-1',
      customerId: 'customer-1',
      items: [{ sku: 'SKU-1', quantity: 2, unitPrice: 1250 }],
      total: 2500,
      currency: 'EUR',
    },
    ...overrides,
  };
}

describe('parseEvent', () => {
  it('when a valid OrderPlaced is parsed from JSON text, then it returns the typed event', () => {
    // Arrange
    const raw = orderPlacedEnvelope();

    // Act
    const result = parseEvent(JSON.stringify(raw));

    // Assert
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.event).toEqual(raw);
    if (result.event.type !== 'OrderPlaced') throw new Error('expected OrderPlaced');
    expect(result.event.data.items[0]?.unitPrice).toBe(1250);
  });

  it('when the event arrives as bytes, then it is decoded as UTF-8 and parsed', () => {
    const raw = orderPlacedEnvelope();

    const result = parseEvent(Buffer.from(JSON.stringify(raw), 'utf8'));

    expect(result.ok && result.event.id).toBe(raw.id);
  });

  it('when the envelope has no trace field, then trace defaults to an empty carrier', () => {
    const { trace: _trace, ...raw } = orderPlacedEnvelope();

    const result = parseEvent(raw);

    expect(result.ok && result.event.trace).toEqual({});
  });

  it('when data carries fields the schema does not know, then they are dropped (tolerant reader)', () => {
    const raw = orderPlacedEnvelope();
    (raw.data as Record<string, unknown>).couponCode = 'NEW-FIELD';

    const result = parseEvent(raw);

    expect(result.ok).toBe(true);
    expect(result.ok && 'couponCode' in result.event.data).toBe(false);
  });

  it('when the bytes are not JSON, then it returns INVALID_JSON', () => {
    const result = parseEvent('{"id": ');

    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('CONTRACTS.INVALID_JSON');
  });

  it.each([null, 42, 'null', '[]', [], { hello: 'world' }])(
    'when the input is %p, then it returns INVALID_ENVELOPE instead of throwing',
    (input) => {
      const result = parseEvent(input);

      expect(!result.ok && result.error.code).toBe('CONTRACTS.INVALID_ENVELOPE');
    },
  );

  it('when the id is not a UUID, then it returns INVALID_ENVELOPE naming the path and the type', () => {
    const result = parseEvent(orderPlacedEnvelope({ id: 'not-a-uuid' }));

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('CONTRACTS.INVALID_ENVELOPE');
    expect(result.error.issues.map((i) => i.path)).toEqual(['id']);
    expect(result.error.eventType).toBe('OrderPlaced');
  });

  it('when occurredAt is not an ISO-8601 timestamp, then it returns INVALID_ENVELOPE', () => {
    const result = parseEvent(orderPlacedEnvelope({ occurredAt: 'yesterday' }));

    expect(!result.ok && result.error.issues.map((i) => i.path)).toEqual(['occurredAt']);
  });

  it('when the type is not registered, then it returns UNKNOWN_EVENT_TYPE with the event id', () => {
    const raw = orderPlacedEnvelope({ type: 'OrderTeleported' });

    const result = parseEvent(raw);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('CONTRACTS.UNKNOWN_EVENT_TYPE');
    expect(result.error.eventType).toBe('OrderTeleported');
    expect(result.error.eventId).toBe(raw.id);
  });

  it('when the version is not the registered one, then it returns UNSUPPORTED_VERSION', () => {
    const result = parseEvent(orderPlacedEnvelope({ version: 2 }));

    expect(!result.ok && result.error.code).toBe('CONTRACTS.UNSUPPORTED_VERSION');
  });

  it('when data breaks the schema, then it returns INVALID_EVENT_DATA with paths but no values', () => {
    const raw = orderPlacedEnvelope();
    const data = raw.data as { items: { quantity: number }[]; currency: string };
    data.items[0]!.quantity = -7;
    data.currency = 'euro-secret';

    const result = parseEvent(raw);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('CONTRACTS.INVALID_EVENT_DATA');
    expect(result.error.issues.map((i) => i.path).sort()).toEqual([
      'data.currency',
      'data.items.0.quantity',
    ]);
    expect(result.error.message).not.toContain('euro-secret');
  });

  it('when a topic is given and the type belongs elsewhere, then it returns WRONG_TOPIC', () => {
    const result = parseEvent(orderPlacedEnvelope(), { topic: 'payments' });

    expect(!result.ok && result.error.code).toBe('CONTRACTS.WRONG_TOPIC');
  });

  it('when a topic is given and matches the type, then the event is accepted', () => {
    const result = parseEvent(orderPlacedEnvelope(), { topic: 'orders' });

    expect(result.ok).toBe(true);
  });

  it('when validation fails, then the error is a non-transient ContractError', () => {
    const result = parseEvent('garbage');

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(isContractError(result.error)).toBe(true);
    expect(result.error.transient).toBe(false);
    expect(result.error.name).toBe('EventValidationError');
  });
});
