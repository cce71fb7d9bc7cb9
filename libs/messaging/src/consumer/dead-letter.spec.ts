import type { KafkaMessage } from 'kafkajs';
import { PermanentHandlerError } from '../messaging.errors';
import { DLQ_HEADERS, deadLetterMessage } from './dead-letter';

function kafkaMessage(): KafkaMessage {
  return {
    key: Buffer.from('order-1'),
    value: Buffer.from('{"not":"parsed"}'),
    headers: { traceparent: Buffer.from('00-abc-def-01'), 'event-type': 'OrderPlaced' },
    offset: '41',
    timestamp: '1700000000000',
    attributes: 0,
  };
}

describe('deadLetterMessage', () => {
  it('when a message is dead-lettered, then key, value and headers are kept and dlq headers added', () => {
    // Arrange
    const message = kafkaMessage();
    const error = new PermanentHandlerError('ANALYTICS.NEGATIVE_TOTAL', 'total below zero');

    // Act
    const entry = deadLetterMessage(message, {
      topic: 'orders',
      partition: 2,
      group: 'analytics',
      reason: 'PERMANENT_ERROR',
      error,
      attempts: 1,
      now: new Date('2025-03-04T05:06:07.000Z'),
    });

    // Assert
    expect(entry.topic).toBe('orders.dlq');
    expect(entry.key).toBe(message.key);
    expect(entry.value).toBe(message.value);
    expect(entry.headers).toEqual({
      traceparent: '00-abc-def-01',
      'event-type': 'OrderPlaced',
      [DLQ_HEADERS.originalTopic]: 'orders',
      [DLQ_HEADERS.originalPartition]: '2',
      [DLQ_HEADERS.originalOffset]: '41',
      [DLQ_HEADERS.originalTimestamp]: '1700000000000',
      [DLQ_HEADERS.consumerGroup]: 'analytics',
      [DLQ_HEADERS.reason]: 'PERMANENT_ERROR',
      [DLQ_HEADERS.errorCode]: 'ANALYTICS.NEGATIVE_TOTAL',
      [DLQ_HEADERS.errorMessage]: 'PermanentHandlerError: total below zero',
      [DLQ_HEADERS.attempts]: '1',
      [DLQ_HEADERS.failedAt]: '2025-03-04T05:06:07.000Z',
    });
  });

  it('when the error message is huge, then the header is truncated to 500 characters', () => {
    const entry = deadLetterMessage(kafkaMessage(), {
      topic: 'orders',
      partition: 0,
      group: 'g',
      reason: 'RETRIES_EXHAUSTED',
      error: new Error('x'.repeat(5_000)),
      attempts: 5,
    });

    expect((entry.headers?.[DLQ_HEADERS.errorMessage] as string).length).toBe(500);
  });
});
