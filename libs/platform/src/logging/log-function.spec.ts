import { JsonLogger } from './json-logger';
import { logFunction } from './log-function';

describe('logFunction', () => {
  it('when called, then the line reaches the JSON log with its level and fields', () => {
    // Arrange
    const lines: string[] = [];
    const log = logFunction(new JsonLogger('demo', 'debug', (line) => void lines.push(line)));

    // Act
    log('warn', 'kafka not ready yet', { retryInMs: 1_000 });

    // Assert
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'warn',
      service: 'demo',
      msg: 'kafka not ready yet',
      retryInMs: 1_000,
    });
  });
});
