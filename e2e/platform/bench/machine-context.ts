import { createConnection } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { cpuBusyPct, cpuTimes } from './open-loop';

/** The machine the figures were measured on, and what else was running on it. */
export interface MachineContext {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  /** 1-minute load average when the run started. */
  loadAverage1m: number;
  /** Ports of other platform runs found listening (e2e suites 3110–3165, `npm start` 3000–3005). */
  otherPlatformPorts: number[];
}

/** Describes the machine and looks for other platform runs sharing it. */
export async function machineContext(): Promise<MachineContext> {
  const ports = [
    ...range(3000, 3005),
    ...range(3110, 3165).filter((p) => p % 10 <= 5), // a suite's six services: base + 0..5
  ];
  const listening = await Promise.all(ports.map(async (p) => ((await isListening(p)) ? p : 0)));
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    otherPlatformPorts: listening.filter((p) => p > 0),
  };
}

/**
 * Waits until the machine's CPU is mostly idle (below `busyPct` over a `sampleMs` sample), or
 * `maxMs` has passed: after a load step the services still work off its tail (Kafka consumers,
 * the outbox relay), which would otherwise be billed to the next step. Returns the busy share
 * of the last sample, %.
 */
export async function settle(maxMs = 10_000, busyPct = 35, sampleMs = 1_000): Promise<number> {
  const until = Date.now() + maxMs;
  let busy = 100;
  while (Date.now() < until) {
    const before = cpuTimes();
    await new Promise((r) => setTimeout(r, sampleMs));
    busy = cpuBusyPct(before, cpuTimes());
    if (busy < busyPct) break;
  }
  return busy;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port, timeout: 300 });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}
