import type { Socket } from 'node:net';
import type { Toxic, ToxicStream } from './toxics';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** How a link asks its proxy which toxics are in force right now. */
export type ToxicsOf = (stream: ToxicStream) => readonly Toxic[];

/**
 * One proxied connection: the client's socket and the upstream socket, with one ordered pump per
 * direction that passes each chunk through the toxics of that direction in the order they were
 * added. Toxics are looked up per chunk, so adding or removing one acts on open connections too
 * (as in toxiproxy). Whether a toxic applies to this connection (its `toxicity`) is decided once
 * per connection and toxic.
 */
export class Link {
  private closed = false;
  private readonly rolls = new Map<string, boolean>();
  private readonly armed = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly endedStreams = new Set<ToxicStream>();
  private readonly sent: Record<ToxicStream, number> = { upstream: 0, downstream: 0 };
  /** Pumps held by a `timeout` toxic, woken whenever the toxics change. */
  private readonly held = new Set<() => void>();

  constructor(
    private readonly client: Socket,
    private readonly server: Socket,
    private readonly toxicsOf: ToxicsOf,
    private readonly onClose: (link: Link) => void,
  ) {
    this.pump(client, server, 'upstream');
    this.pump(server, client, 'downstream');
    // Both sockets are half-open capable: a FIN is passed on through the pump of its direction
    // (after any slow_close), and the link ends once both directions ended, or on an error.
    for (const s of [client, server]) {
      s.on('error', () => this.close());
      s.on('close', (hadError) => hadError && this.close());
    }
    this.toxicsChanged();
  }

  /** Re-evaluates connection-level toxics (timeout, reset_peer) and wakes held data. */
  toxicsChanged(): void {
    for (const stream of ['upstream', 'downstream'] as const) {
      for (const toxic of this.active(stream)) {
        const key = `${stream}/${toxic.name}`;
        if (this.armed.has(key)) continue;
        if (toxic.type === 'reset_peer') {
          this.armed.add(key);
          this.later(toxic.attributes.timeout ?? 0, () => this.reset());
        } else if (toxic.type === 'timeout' && (toxic.attributes.timeout ?? 0) > 0) {
          this.armed.add(key);
          this.later(toxic.attributes.timeout!, () => this.close());
        }
      }
    }
    this.wakeHeld();
  }

  /** Closes both sockets (gracefully, FIN). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.client.destroy();
    this.server.destroy();
    this.wakeHeld();
    this.onClose(this);
  }

  /** Resets both sockets (RST), as `reset_peer` does. */
  reset(): void {
    if (this.closed) return;
    for (const s of [this.client, this.server]) {
      if (typeof s.resetAndDestroy === 'function' && !s.destroyed) s.resetAndDestroy();
    }
    this.close();
  }

  private wakeHeld(): void {
    const waiting = [...this.held];
    this.held.clear();
    for (const wake of waiting) wake();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private active(stream: ToxicStream): Toxic[] {
    return this.toxicsOf(stream).filter((t) => {
      const key = `${stream}/${t.name}`;
      let applies = this.rolls.get(key);
      if (applies === undefined) {
        applies = t.toxicity >= 1 || Math.random() < t.toxicity;
        this.rolls.set(key, applies);
      }
      return applies;
    });
  }

  private pump(from: Socket, to: Socket, stream: ToxicStream): void {
    const queue: { data: Buffer; at: number }[] = [];
    let busy = false;
    let ended = false;
    const drain = async () => {
      if (busy) return;
      busy = true;
      while (queue.length > 0 && !this.closed) {
        const next = queue.shift()!;
        await this.deliver(next.data, next.at, to, stream);
        if (queue.length < 16) from.resume();
      }
      busy = false;
      if (ended && queue.length === 0 && !this.closed) await this.endTowards(to, stream);
    };
    from.on('data', (chunk: Buffer) => {
      queue.push({ data: chunk, at: performance.now() });
      if (queue.length >= 64) from.pause();
      void drain();
    });
    from.on('end', () => {
      ended = true;
      void drain();
    });
  }

  /** Half-closes towards `to` once its queue is empty, after any slow_close delay. */
  private async endTowards(to: Socket, stream: ToxicStream): Promise<void> {
    const slow = this.active(stream).find((t) => t.type === 'slow_close');
    if (slow) await sleep(slow.attributes.delay ?? 0);
    if (this.closed) return;
    to.end();
    this.endedStreams.add(stream);
    if (this.endedStreams.size === 2) this.close();
  }

  /** Passes one chunk (received at `arrivedAt`) through the toxics, in order, then writes it. */
  private async deliver(
    chunk: Buffer,
    arrivedAt: number,
    to: Socket,
    stream: ToxicStream,
  ): Promise<void> {
    let data = chunk;
    for (const toxic of this.active(stream)) {
      const a = toxic.attributes;
      switch (toxic.type) {
        case 'latency': {
          // Counted from the chunk's arrival, as toxiproxy does: chunks that arrived together
          // leave together, latencies do not add up along a response.
          const jitter = a.jitter ? (Math.random() * 2 - 1) * a.jitter : 0;
          await sleep(Math.max(0, arrivedAt + (a.latency ?? 0) + jitter - performance.now()));
          break;
        }
        case 'bandwidth':
          if ((a.rate ?? 0) > 0) await sleep((data.length / (a.rate! * 1000)) * 1000);
          break;
        case 'timeout':
          // A blackhole: hold everything until the toxic is gone (or the link closes).
          while (!this.closed && this.isActive(stream, toxic.name)) {
            await new Promise<void>((r) => this.held.add(r));
          }
          break;
        case 'limit_data': {
          const left = (a.bytes ?? 0) - this.sent[stream];
          if (data.length >= left) {
            if (left > 0) this.write(to, data.subarray(0, left), stream);
            this.close();
            return;
          }
          break;
        }
        case 'slicer':
          await this.writeSliced(to, data, stream, a);
          data = Buffer.alloc(0);
          break;
        default:
          break; // reset_peer, slow_close: connection-level, see toxicsChanged/endTowards
      }
      if (this.closed) return;
    }
    if (data.length > 0) this.write(to, data, stream);
  }

  private isActive(stream: ToxicStream, name: string): boolean {
    return this.active(stream).some((t) => t.name === name);
  }

  private async writeSliced(
    to: Socket,
    data: Buffer,
    stream: ToxicStream,
    a: Record<string, number>,
  ): Promise<void> {
    const average = Math.max(1, a.average_size ?? 1);
    const variation = Math.min(a.size_variation ?? 0, average - 1);
    for (let at = 0; at < data.length && !this.closed;) {
      const size = Math.max(1, Math.round(average + (Math.random() * 2 - 1) * variation));
      this.write(to, data.subarray(at, at + size), stream);
      at += size;
      if ((a.delay ?? 0) > 0 && at < data.length) await sleep(a.delay! / 1000);
    }
  }

  private write(to: Socket, data: Buffer, stream: ToxicStream): void {
    this.sent[stream] += data.length;
    if (!to.destroyed) to.write(data);
  }
}
