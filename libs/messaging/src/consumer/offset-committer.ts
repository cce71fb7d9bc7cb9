/** The next offset to read of one partition: what an offset commit stores. */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

/** Options of {@link OffsetCommitter}. */
export interface OffsetCommitterOptions {
  /** Sends ONE offset commit for these partitions; may throw. */
  commit: (offsets: PartitionOffset[]) => Promise<void>;
  /** Told of a commit that failed (the offsets it carried are dropped: see the class). */
  onFailure: (offsets: PartitionOffset[], error: unknown) => void;
  /**
   * Longest a durable offset waits before it is committed, ms; 0 commits each offset as it is
   * staged (one commit per batch).
   */
  intervalMs: number;
  /** Messages staged since the last commit that trigger one before the interval is up. */
  maxPendingMessages: number;
}

/**
 * Coalesces a consumer's offset commits: the batch runner stages each partition's durable
 * position, and ONE commit carries the latest position of every partition staged since the
 * last one — when `intervalMs` has passed since the first of them, when `maxPendingMessages`
 * have been staged, or on {@link flush} (before a stop, after a halt). Without it every fetched
 * batch cost an OffsetCommit round trip, awaited before the next fetch, and a write to the
 * broker's `__consumer_offsets` log; at a few events per batch that was most of the broker's
 * group-coordinator work.
 *
 * What it weakens, and why that is safe: a crash or a rebalance can now lose up to
 * `intervalMs` (at most `maxPendingMessages`) of positions that were durable but not yet
 * committed, and the partition's next owner reads those events again — which the handlers'
 * inbox absorbs, as it absorbs any redelivery. A position is only ever staged once its work is
 * durable, so no commit claims work that was not done. A commit that fails is not retried: the
 * next one carries a later position of the same partitions (commits are cumulative), and a
 * partition that moved is redelivered to its new owner.
 */
export class OffsetCommitter {
  private readonly pending = new Map<string, PartitionOffset>();
  private pendingMessages = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly options: OffsetCommitterOptions) {}

  /**
   * Records that `offset` (the next one to read) of the partition is durable, `messages` having
   * been settled to get there. Resolves once that position is committed when the interval is 0,
   * else at once.
   */
  stage(topic: string, partition: number, offset: string, messages: number): Promise<void> {
    this.pending.set(`${topic}\u0000${partition}`, { topic, partition, offset });
    this.pendingMessages += messages;
    if (this.options.intervalMs <= 0 || this.pendingMessages >= this.options.maxPendingMessages)
      return this.flush();
    this.timer ??= setTimeout(() => void this.flush(), this.options.intervalMs);
    this.timer.unref();
    return Promise.resolve();
  }

  /** Commits every staged position now (after any commit in flight); never throws. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return this.inFlight;
    const offsets = [...this.pending.values()];
    this.pending.clear();
    this.pendingMessages = 0;
    // One commit at a time, in staging order: a later position never overtakes an earlier one.
    this.inFlight = this.inFlight.then(() =>
      this.options.commit(offsets).catch((e: unknown) => this.options.onFailure(offsets, e)),
    );
    return this.inFlight;
  }

  /** Drops what is staged and the timer (the consumer is gone; the next owner redelivers). */
  discard(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
    this.pendingMessages = 0;
  }
}
