import { AppError } from '@rc/platform';

/** A redrive was asked for a topic this service does not consume: 404. */
export class UnknownDeadLetterTopicError extends AppError {
  readonly code = 'ANALYTICS.UNKNOWN_DLQ';
  readonly httpStatus = 404;
  readonly transient = false;

  constructor(topic: string, known: readonly string[]) {
    super(`No dead-letter topic ${topic} here; known: ${known.join(', ')}.`, {
      meta: { topic, known },
    });
  }
}
