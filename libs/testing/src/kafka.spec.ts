import type { Admin, Kafka } from 'kafkajs';
import { FAST_GROUP, fastConsumerConfig, withAdmin } from './kafka';

/** A kafkajs client whose admin only records connect/disconnect (unit tests touch no broker). */
function recordingKafka(events: string[]): Kafka {
  const admin = {
    connect: async () => void events.push('connect'),
    disconnect: async () => void events.push('disconnect'),
  } as unknown as Admin;
  return { admin: () => admin } as unknown as Kafka;
}

describe('fastConsumerConfig', () => {
  it('when built for a group, then it carries the FAST_GROUP timings under kafkajs names', () => {
    // Act
    const config = fastConsumerConfig('g-1');

    // Assert
    expect(config).toEqual({
      groupId: 'g-1',
      sessionTimeout: FAST_GROUP.sessionTimeoutMs,
      rebalanceTimeout: FAST_GROUP.rebalanceTimeoutMs,
      heartbeatInterval: FAST_GROUP.heartbeatIntervalMs,
      maxWaitTimeInMs: FAST_GROUP.maxWaitTimeMs,
    });
  });
});

describe('withAdmin', () => {
  it('when the work succeeds, then its result is returned and the admin disconnected', async () => {
    // Arrange
    const events: string[] = [];

    // Act
    const result = await withAdmin(recordingKafka(events), async () => {
      events.push('work');
      return 'done';
    });

    // Assert
    expect(result).toBe('done');
    expect(events).toEqual(['connect', 'work', 'disconnect']);
  });

  it('when the work fails, then the error propagates and the admin is still disconnected', async () => {
    // Arrange
    const events: string[] = [];

    // Act
    const attempt = withAdmin(recordingKafka(events), async () => {
      throw new Error('metadata failed');
    });

    // Assert
    await expect(attempt).rejects.toThrow('metadata failed');
    expect(events).toEqual(['connect', 'disconnect']);
  });
});
