import { createKafka } from '@rc/messaging';
import type { Admin } from 'kafkajs';

/** A consumer group and the topics it consumes. */
export interface GroupTopics {
  groupId: string;
  topics: readonly string[];
}

/** The platform's consumer groups (the services' default group ids). */
export const PLATFORM_GROUPS: readonly GroupTopics[] = [
  { groupId: 'inventory', topics: ['orders'] },
  { groupId: 'recommendations', topics: ['orders'] },
  { groupId: 'analytics', topics: ['orders', 'payments', 'inventory', 'carts'] },
];

/**
 * Consumer lag as operators read it: per group, the messages on its topics past its committed
 * offsets (a partition never committed counts from 0). One admin connection for the whole run;
 * every read is bounded by a timeout, since the broker may be frozen by an experiment.
 */
export class KafkaLag {
  private admin: Admin | undefined;

  constructor(private readonly brokers: string[]) {}

  /** Lag per group id. */
  async read(
    groups: readonly GroupTopics[] = PLATFORM_GROUPS,
    timeoutMs = 3_000,
  ): Promise<Record<string, number>> {
    return withTimeout(this.readUnbounded(groups), timeoutMs, 'reading consumer lag');
  }

  /** Waits until every group has lag 0, or throws after `timeoutMs`. */
  async waitCaughtUp(timeoutMs: number, onProgress?: (m: string) => void): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 0;
    for (;;) {
      const lag = await this.read().catch(() => ({ unknown: Number.NaN }));
      const behind = Object.entries(lag).filter(([, n]) => !(n === 0));
      if (behind.length === 0) return;
      if (Date.now() > deadline)
        throw new Error(
          `consumer groups still behind after ${timeoutMs} ms: ${JSON.stringify(lag)}`,
        );
      if (onProgress && Date.now() - last > 10_000) {
        last = Date.now();
        onProgress(`waiting for the consumers to catch up: ${JSON.stringify(lag)}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** Closes the admin connection. */
  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  private async readUnbounded(groups: readonly GroupTopics[]): Promise<Record<string, number>> {
    if (!this.admin) {
      // createKafka: kafkajs patched not to spin a 1 ms timer on the idle connection (this
      // process shares the machine with the platform it judges), and silent.
      const admin = createKafka({
        clientId: 'rc-chaos-lag',
        brokers: [...this.brokers],
        retry: { retries: 1 },
      }).admin();
      await admin.connect();
      this.admin = admin;
    }
    const admin = this.admin;
    const existing = new Set(await admin.listTopics());
    const out: Record<string, number> = {};
    for (const { groupId, topics } of groups) {
      const present = topics.filter((t) => existing.has(t));
      let lag = 0;
      for (const committed of present.length
        ? await admin.fetchOffsets({ groupId, topics: present })
        : []) {
        for (const end of await admin.fetchTopicOffsets(committed.topic)) {
          const c = committed.partitions.find((p) => p.partition === end.partition);
          lag += Math.max(0, Number(end.high) - Math.max(0, Number(c?.offset ?? -1)));
        }
      }
      out[groupId] = lag;
    }
    return out;
  }
}

/** Rejects when `promise` takes longer than `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
