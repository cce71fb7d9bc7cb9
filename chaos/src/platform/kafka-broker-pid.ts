import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Pid of the local Kafka broker: the one scripts/infra started from this checkout
 * (`.infra/kafka/kafka.pid`), else the only `kafka.Kafka` JVM on the machine — `npm run infra:up`
 * reuses a broker that already answers on the port, which another checkout may have started.
 *
 * @throws Error when neither names exactly one broker
 */
export function kafkaBrokerPid(root: string): number {
  const file = join(root, '.infra', 'kafka', 'kafka.pid');
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && isKafka(pid)) return pid;
  } catch {
    // no pid file: look for the broker's process
  }
  const brokers = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter(isKafka);
  if (brokers.length !== 1)
    throw new Error(
      `cannot tell the Kafka broker's pid: no ${file} and ${brokers.length} kafka.Kafka processes`,
    );
  return brokers[0]!;
}

function isKafka(pid: number): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.includes('kafka.Kafka');
  } catch {
    return false;
  }
}
