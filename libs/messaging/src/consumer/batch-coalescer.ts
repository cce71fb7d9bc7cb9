import type { DomainEvent } from '@rc/contracts';
import type { BatchContext, BatchHandler } from './event-handler';

interface Member {
  events: readonly DomainEvent[];
  context: BatchContext;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Joins the batches of several partitions into one call of a {@link BatchHandler}: one unit of
 * work (one Postgres statement or transaction) per fetch instead of one per partition.
 *
 * kafkajs hands every partition batch of one fetch to its workers at once and fetches again only
 * when all of them are done; with `partitionsConsumedConcurrently` above 1 their `eachBatch`
 * calls run together. Each call's events are queued here; the queue is applied on the next turn
 * of the event loop (`setImmediate`), after the other partitions' calls of the same fetch have
 * queued theirs. A batch that arrives later (its worker waited for a heartbeat) goes with the
 * next turn. The wait is one turn of the loop, not a timer.
 *
 * Events of different partitions have no order between them in Kafka, so the joined call (each
 * partition's events in offset order, the partitions one after another) has the effect of the
 * partitions applied one after another, which the handler's contract already allows. If the
 * joined call throws, each partition's batch is applied again on its own, so a poison event
 * sends only its own partition down the per-event path.
 */
export class BatchCoalescer {
  private queued: Member[] = [];
  private scheduled = false;

  constructor(private readonly handler: BatchHandler) {}

  /** Applies `events` (one partition's, in offset order) with the others queued this turn. */
  apply(events: readonly DomainEvent[], context: BatchContext): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ events, context, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const members = this.queued;
    this.queued = [];
    this.scheduled = false;
    if (members.length === 1) return this.applyAlone(members[0]!);
    try {
      await this.handler(
        members.flatMap((m) => m.events),
        joinedContext(members.map((m) => m.context)),
      );
    } catch {
      // One of them (or the database) failed: each partition again on its own, so the failure
      // stays with the partition that caused it.
      await Promise.all(members.map((member) => this.applyAlone(member)));
      return;
    }
    for (const member of members) member.resolve();
  }

  private async applyAlone(member: Member): Promise<void> {
    try {
      await this.handler(member.events, member.context);
      member.resolve();
    } catch (error) {
      member.reject(error);
    }
  }
}

/**
 * The context of a joined call: `partitions` lists every partition's part; `topic`, `partition`
 * and `offsets` are the first part's, `signal` is shared by all (the consumer's).
 */
function joinedContext(contexts: readonly BatchContext[]): BatchContext {
  const first = contexts[0]!;
  return {
    ...first,
    partitions: contexts.flatMap((c) => c.partitions),
  };
}
