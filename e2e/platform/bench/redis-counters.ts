import Redis from 'ioredis';

/**
 * Commands the platform's Redis servers processed (`INFO stats` `total_commands_processed`,
 * summed over the state and the cache server), so a window's Redis round trips per checkout
 * can be read beside Postgres's. Each reading costs one `INFO` per server (counted too: 2 per
 * window, noise at any rate worth measuring). A server that does not answer counts 0.
 */
export class RedisCounters {
  private readonly clients: Redis[];

  constructor(urls: readonly string[]) {
    this.clients = [...new Set(urls)].map(
      (url) =>
        new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false }),
    );
  }

  async read(): Promise<number> {
    const totals = await Promise.all(this.clients.map((c) => commandsProcessed(c)));
    return totals.reduce((a, b) => a + b, 0);
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.quit().catch(() => c.disconnect())));
  }
}

async function commandsProcessed(client: Redis): Promise<number> {
  try {
    if (client.status === 'wait') await client.connect();
    return totalCommands(await client.info('stats'));
  } catch {
    return 0;
  }
}

/** `total_commands_processed` of an `INFO stats` answer (0 when absent). */
export function totalCommands(info: string): number {
  return Number(/^total_commands_processed:(\d+)/m.exec(info)?.[1] ?? 0);
}
