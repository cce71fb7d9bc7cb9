import { UnknownDeadLetterTopicError } from '../domain/analytics.errors';
import type { DeadLetterRedriver } from '../domain/analytics.ports';
import { RedriveDeadLetters } from './redrive-dead-letters.command';

describe('RedriveDeadLetters', () => {
  function setUp() {
    const calls: Array<[string, number]> = [];
    const redriver: DeadLetterRedriver = {
      redrive: async (dlq, limit) => {
        calls.push([dlq, limit]);
        return { redriven: 3, timedOut: false };
      },
    };
    return { calls, command: new RedriveDeadLetters(redriver, ['orders', 'payments']) };
  }

  it('when given a domain topic, then its DLQ is redriven with the limit', async () => {
    // Arrange
    const { calls, command } = setUp();

    // Act
    const outcome = await command.execute({ topic: 'orders', limit: 10 });

    // Assert
    expect(calls).toEqual([['orders.dlq', 10]]);
    expect(outcome).toEqual({ dlqTopic: 'orders.dlq', redriven: 3, timedOut: false });
  });

  it('when given the DLQ name itself, then that DLQ is redriven', async () => {
    // Arrange
    const { calls, command } = setUp();

    // Act
    await command.execute({ topic: 'payments.dlq', limit: 1 });

    // Assert
    expect(calls).toEqual([['payments.dlq', 1]]);
  });

  it.each(['carts', 'carts.dlq', 'orders.dlq.dlq', '.dlq'])(
    'when given %j, which this service does not consume, then it is refused and nothing moves',
    async (topic) => {
      // Arrange
      const { calls, command } = setUp();

      // Act
      const attempt = command.execute({ topic, limit: 1 });

      // Assert
      await expect(attempt).rejects.toBeInstanceOf(UnknownDeadLetterTopicError);
      expect(calls).toEqual([]);
    },
  );
});
