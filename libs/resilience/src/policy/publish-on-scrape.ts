/** Something that copies its plain-number counters into prom-client metrics when asked. */
export interface ScrapePublisher {
  publish(): void;
}

const publishers = new WeakMap<object, Set<WeakRef<ScrapePublisher>>>();

/**
 * Makes `metric` call `publisher.publish()` whenever it is read (a Prometheus scrape, or
 * `registry.metrics()`), through prom-client's `collect` hook. Hot paths then only bump plain
 * numbers — a prom-client `inc()`, even on a pre-bound child, hashes its labels on every call
 * (~50–70 ns) — and the metric is brought up to date at scrape time, the way resilience4j's
 * Micrometer binding reads breaker state through function counters and gauges.
 *
 * Publishers are held weakly, so a garbage-collected component stops publishing by itself; an
 * existing `collect` hook on the metric keeps running after ours.
 */
export function publishOnScrape(metric: object, publisher: ScrapePublisher): void {
  let set = publishers.get(metric);
  if (set === undefined) {
    const refs = new Set<WeakRef<ScrapePublisher>>();
    set = refs;
    publishers.set(metric, refs);
    const target = metric as { collect?: (this: unknown) => unknown };
    const previous = target.collect;
    target.collect = function collect(this: unknown): unknown {
      for (const ref of refs) {
        const live = ref.deref();
        if (live) live.publish();
        else refs.delete(ref);
      }
      return previous?.call(this);
    };
  }
  set.add(new WeakRef(publisher));
}
