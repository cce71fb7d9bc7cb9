import type { LogLevel } from '../shared/messaging-logger';
import { createKafka } from './kafka-client.factory';

describe('createKafka', () => {
  it('when kafkajs logs, then the entry reaches the given logger with its level and namespace', () => {
    // Arrange
    const lines: { level: LogLevel; message: string; fields?: Record<string, unknown> }[] = [];
    const kafka = createKafka({
      clientId: 'test',
      brokers: ['127.0.0.1:1'],
      logger: (level, message, fields) => lines.push({ level, message, ...(fields && { fields }) }),
    });

    // Act
    kafka.logger().namespace('Probe').warn('broker is sulking', { broker: '127.0.0.1:1' });
    kafka.logger().namespace('Probe').info('below the default level');

    // Assert
    expect(lines).toEqual([
      {
        level: 'warn',
        message: 'kafkajs Probe: broker is sulking',
        fields: { broker: '127.0.0.1:1' },
      },
    ]);
  });
});
