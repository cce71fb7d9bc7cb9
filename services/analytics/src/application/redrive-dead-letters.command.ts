import { DLQ_SUFFIX, dlqTopicOf, isDlqTopic } from '@rc/contracts';
import { UnknownDeadLetterTopicError } from '../domain/analytics.errors';
import type { DeadLetterRedriver } from '../domain/analytics.ports';

/** Input of {@link RedriveDeadLetters}. */
export interface RedriveDeadLettersCommand {
  /** `orders.dlq`, or the domain topic `orders` whose DLQ is meant. */
  topic: string;
  /** Most messages to move in this call. */
  limit: number;
}

/** What a redrive did. */
export interface RedriveOutcome {
  dlqTopic: string;
  redriven: number;
  /** True when it stopped on its time limit before `limit` or the end of the DLQ. */
  timedOut: boolean;
}

/**
 * Moves dead-lettered events of one consumed topic back to that topic, after the cause was
 * fixed. Only the DLQs of topics this service consumes can be redriven from here. Safe to
 * repeat: each call continues where the last stopped, and the consumers' inboxes absorb an
 * event that is delivered again.
 */
export class RedriveDeadLetters {
  private readonly known: string[];

  constructor(
    private readonly redriver: DeadLetterRedriver,
    consumedTopics: readonly string[],
  ) {
    this.known = consumedTopics.map(dlqTopicOf);
  }

  async execute(command: RedriveDeadLettersCommand): Promise<RedriveOutcome> {
    const dlqTopic = isDlqTopic(command.topic) ? command.topic : dlqTopicOf(command.topic);
    if (!this.known.includes(dlqTopic) || dlqTopic === DLQ_SUFFIX) {
      throw new UnknownDeadLetterTopicError(dlqTopic, this.known);
    }
    const { redriven, timedOut } = await this.redriver.redrive(dlqTopic, command.limit);
    return { dlqTopic, redriven, timedOut };
  }
}
