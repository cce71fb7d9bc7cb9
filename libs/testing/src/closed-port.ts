import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The kernel's ephemeral (source) port range; Linux's default when it cannot be read. */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (low !== undefined && high !== undefined && low > 0 && high >= low) return [low, high];
  } catch {
    // not Linux: fall through to the default
  }
  return [32768, 60999];
}

async function canListen(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A loopback port nothing listens on, for "this dependency is down" tests. It is taken from
 * below the kernel's ephemeral range on purpose: a client retrying a port inside that range can
 * be handed the same port as its own source port and connect to itself (TCP simultaneous open),
 * so a "closed" port would suddenly answer — with the client's own request.
 */
export async function closedPort(): Promise<number> {
  const [ephemeralLow] = ephemeralRange();
  const low = 20_000;
  const high = Math.max(low + 1_000, ephemeralLow - 1);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = randomInt(low, high);
    if (port < ephemeralLow && (await canListen(port))) return port;
  }
  throw new Error(`no free loopback port found in ${low}-${high}`);
}
