/**
 * Coalesces concurrent calls with the same key into one execution: the first caller (the
 * leader) runs `work`, every caller that arrives while it runs gets the leader's promise. Once
 * it settles the key is free again, so results are never cached here (that is the cache's job),
 * only de-duplicated in flight. This is what keeps a burst of identical requests — a cache entry
 * expiring under load, the thundering herd — from becoming a burst of model computations.
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  /** Calls in progress. */
  get size(): number {
    return this.inFlight.size;
  }

  /** Runs `work` for `key`, or joins the run in progress; `leader` says which. */
  run(key: string, work: () => Promise<T>): { result: Promise<T>; leader: boolean } {
    const running = this.inFlight.get(key);
    if (running) return { result: running, leader: false };
    // `work` starts synchronously (a sync throw becomes a rejection); the key frees on settle.
    const result = new Promise<T>((resolve) => resolve(work())).finally(() =>
      this.inFlight.delete(key),
    );
    this.inFlight.set(key, result);
    return { result, leader: true };
  }
}
