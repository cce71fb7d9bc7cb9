import type { LogLevel } from '../shared/messaging-logger';
import { exitOnFatal } from './exit-on-fatal';

describe('exitOnFatal', () => {
  it('when a consumer halts on a fatal error, then the error is logged naming the consumer and the process exits 1', () => {
    // Arrange
    const calls: string[] = [];
    const lines: { level: LogLevel; message: string; fields?: Record<string, unknown> }[] = [];
    const onFatal = exitOnFatal(
      'orders consumer',
      (level, message, fields) => {
        calls.push('log');
        lines.push({ level, message, ...(fields && { fields }) });
      },
      (code) => calls.push(`exit ${code}`),
    );

    // Act
    onFatal(new Error('relation "inbox" does not exist'));

    // Assert: the line is written before the process ends.
    expect(calls).toEqual(['log', 'exit 1']);
    expect(lines).toEqual([
      {
        level: 'error',
        message: 'orders consumer stopped on a fatal error; exiting',
        fields: { error: 'Error: relation "inbox" does not exist' },
      },
    ]);
  });
});
