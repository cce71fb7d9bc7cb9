import type { EventEnvelope } from '@rc/contracts';

/** Sends a batch of events to Kafka in one request; rejects when it was not acknowledged. */
export interface EventBatchSender {
  send(events: readonly EventEnvelope[]): Promise<void>;
  /** Releases the connection. */
  close(): Promise<void>;
}
