import { dlqTopicOf, isDlqTopic } from './topics';

describe('topics', () => {
  it('when a dead-letter topic is derived, then it is the topic name plus .dlq', () => {
    expect(dlqTopicOf('orders')).toBe('orders.dlq');
  });

  it('when names are classified, then only .dlq names are dead-letter topics', () => {
    expect(isDlqTopic('payments.dlq')).toBe(true);
    expect(isDlqTopic('payments')).toBe(false);
    expect(isDlqTopic('dlq-payments')).toBe(false);
  });
});
