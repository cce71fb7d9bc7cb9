import type { DomainEvent, EventOf, EventType } from '@rc/contracts';

/** What a handler knows about the delivery it is processing. */
export interface HandlerContext {
  topic: string;
  partition: number;
  /** Kafka offset of the message (a decimal string). */
  offset: string;
  /** 1 on the first try, then 2, 3… on retries of the same delivery. */
  attempt: number;
  /** The message's Kafka headers, decoded as UTF-8. */
  headers: Readonly<Record<string, string>>;
  /** Aborted when the consumer is stopping: long handlers should give up early. */
  signal: AbortSignal;
}

/**
 * Handles one event type. Resolve when the work is durable (committed in Postgres, typically
 * through `inbox.runOnce`); only then is the offset committed. Throw to have it retried
 * (transient), dead-lettered (`PermanentHandlerError`) or to stop the consumer
 * (`FatalHandlerError`); see `ErrorClassifier`.
 */
export type EventHandler<T extends EventType> = (
  event: EventOf<T>,
  context: HandlerContext,
) => Promise<void>;

/**
 * Handlers by event type. Events of a registered type with no handler here are skipped (their
 * offset is committed); events of an unregistered type are dead-lettered.
 */
export type EventHandlers = { readonly [T in EventType]?: EventHandler<T> };

/** One partition's part of a batch: where its events come from. */
export interface BatchPart {
  topic: string;
  partition: number;
  /** Kafka offsets of the part's events, in their order (decimal strings). */
  offsets: readonly string[];
}

/**
 * What a batch handler knows about the batch it is applying. A batch is one partition's events,
 * or, for a consumer with `coalescePartitions`, several partitions' one after another: `topic`,
 * `partition` and `offsets` are then the first part's, and `partitions` lists every part in the
 * order their events come.
 */
export interface BatchContext {
  topic: string;
  partition: number;
  /** Kafka offsets of the (first part's) events, in the same order (decimal strings). */
  offsets: readonly string[];
  /** Every partition whose events the batch holds (one, unless partitions are coalesced). */
  partitions: readonly BatchPart[];
  /** Aborted when the consumer is stopping (the batch still runs to its end or its rollback). */
  signal: AbortSignal;
}

/**
 * Applies several events of one partition (or of several, each in offset order, when the
 * consumer coalesces partitions), as ONE unit of work: all of them
 * or none (typically one Postgres transaction through `inbox.runBatch`). It must have exactly
 * the effect of the per-event handlers applied one by one in that order, because the consumer
 * falls back to them when the batch throws: then every event is retried, dead-lettered or halts
 * on its own, so one poison event cannot block or roll back the others. Only events that parsed
 * and whose type has a per-event handler reach it.
 */
export type BatchHandler = (events: readonly DomainEvent[], context: BatchContext) => Promise<void>;
