import { performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics, type HeapSpaceInfo } from 'node:v8';
import type { MallocTrim } from './malloc-trim';

/** The options V8's `gc` extension takes (see V8's `src/extensions/gc-extension.h`). */
export interface GcOptions {
  type?: 'major' | 'minor';
  execution?: 'sync' | 'async';
  /** `last-resort`: every collection V8 can make, reducing the heap's footprint. */
  flavor?: 'regular' | 'last-resort';
}

/** V8's `gc` function, as `--expose-gc` gives it. */
export type GcFunction = (options?: GcOptions) => void | Promise<void>;

/**
 * V8's `gc` function, when the process runs with `--expose-gc` (the platform's
 * `SERVICE_NODE_OPTIONS`, the services' image); `undefined` otherwise, and the caller does
 * without. Not taken from a throwaway context created with the flag set at run time: that
 * context stays alive with the function and cost ~0.45 % of a core at rest, per process (measured:
 * docs/PERFORMANCE.md, eighteenth round).
 */
export function obtainGc(): GcFunction | undefined {
  const exposed = (globalThis as { gc?: unknown }).gc;
  return typeof exposed === 'function' ? (exposed as GcFunction) : undefined;
}

/** V8's heap as {@link HeapReleaseAtRest} reads it: what a release could give back, bytes. */
export function spareHeapBytes(
  spaces: readonly HeapSpaceInfo[] = getHeapSpaceStatistics(),
  youngStartBytes = 1024 * 1024,
): number {
  let spare = 0;
  for (const s of spaces) {
    // The young generation beyond its start size; the old generation's pages beyond its objects.
    if (s.space_name === 'new_space') spare += Math.max(0, s.space_size - youngStartBytes);
    if (s.space_name === 'old_space') spare += Math.max(0, s.space_size - s.space_used_size);
  }
  return spare;
}

/**
 * The process's CPU time (all its threads: V8's collector helpers too) since the previous call,
 * as a share of one core; the first call measures from the call that created it.
 */
export function cpuShareSinceLastCall(): () => number {
  let lastCpu = process.cpuUsage();
  let lastAt = performance.now();
  return () => {
    const cpu = process.cpuUsage();
    const now = performance.now();
    const usedMs = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
    const share = usedMs / Math.max(1, now - lastAt);
    lastCpu = cpu;
    lastAt = now;
    return share;
  };
}

/** Options of {@link HeapReleaseAtRest}. */
export interface HeapReleaseAtRestOptions {
  /** V8's `gc` (see {@link obtainGc}). */
  gc: GcFunction;
  /** How long the event loop has been at rest, ms; 0 while it is busy (the delay monitor's). */
  restingForMs: () => number;
  /** How long the loop must stay at rest before the release, ms. Default 10 000. */
  settleMs?: number;
  /**
   * Busy time, summed over the busy periods since the last release, worth a release, ms.
   * Default 10 000: start-up alone, or a short burst, leaves too little behind to be worth a full
   * collection.
   */
  minBusyMs?: number;
  /** Least spare heap ({@link spareHeapBytes}) worth a release, bytes. Default 8 MiB. */
  minSpareBytes?: number;
  /**
   * Resident memory above the floor (what was left right after the last release, or less read
   * since: see `cpuShare`) that earns a release from the watch, bytes. Default 16 MiB: a young
   * generation grown by a load (to its 32 MiB limit here) holds 31 of it, and keeps its pages
   * resident after V8 shrinks it by itself.
   */
  watchMinSpareBytes?: number;
  /**
   * The process's CPU since the previous call, as a share of one core (see
   * {@link cpuShareSinceLastCall}). With it, a watch every `watchMs` releases the memory of a
   * service whose loop the delay monitor never judged busy (a light load: recommendations or
   * analytics consuming the events of 30 checkouts/s, ~3 % of a core each here) once its load
   * has ended: its CPU over the last watch period at most `quietCpuShare`, the loop at rest for
   * `settleMs`, the process's resident memory at least `watchMinSpareBytes` above what the last
   * release left (or less read since), the interval passed, and start-up (`startUpMs`) over.
   * Without it, no watch.
   */
  cpuShare?: () => number;
  /**
   * CPU over a watch period, share of one core, under which the load has ended. Default 0.01: a
   * service at rest here reads 0.1–0.6 %.
   */
  quietCpuShare?: number;
  /** The process's resident memory, bytes. Default `process.memoryUsage.rss()`. */
  residentBytes?: () => number;
  /** Period of that watch, ms. Default 10 000. */
  watchMs?: number;
  /**
   * Time from construction during which the watch does nothing, ms. Default 60 000: start-up
   * grows the young generation to its limit too, and V8 usually shrinks it again by itself.
   */
  startUpMs?: number;
  /** Shortest time between two releases, ms. Default 60 000. */
  minIntervalMs?: number;
  /** What the heap could give back now, bytes. Default: {@link spareHeapBytes} of this process. */
  spareBytes?: () => number;
  /** Clock, ms. */
  now?: () => number;
  /** Called after each release is requested (a counter). */
  onRelease?: () => void;
  /**
   * glibc's `malloc_trim` (see `loadMallocTrim`), called once each release's collection is done
   * and `trimDelayMs` more have passed: the native memory the load freed stays resident in the
   * allocator's heaps unless it is asked. A return to rest that earns no release (start-up, a
   * short burst) gets the trim alone, once the loop has stayed at rest for `settleMs`, when no
   * trim ran in the last `minIntervalMs`. None: no trim.
   */
  trim?: MallocTrim;
  /** Wait between a release's collection and the trim, ms. Default 1 000. */
  trimDelayMs?: number;
  /** Called after each trim, with whether it returned pages (a counter). */
  onTrim?: (released: boolean) => void;
}

/**
 * Gives the heap's spare pages back to the system once the service has come to rest.
 *
 * Under load V8 grows the young generation to its limit (two 16 MiB semi-spaces with the
 * platform's `--max-semi-space-size=16`) and the old generation's pages fragment. V8 keeps both
 * when the load stops: an ordinary collection shrinks the young generation only logically (its
 * pages stay resident in V8's page pool), and nothing collects the old generation while nothing
 * allocates. Services that served a load an hour ago held ~40 MiB each they did not use.
 *
 * When the event loop comes to rest (`IdleAwareDelayMonitor`'s `onRest`, three quiet seconds)
 * with at least `minBusyMs` of busy time since the last release (10 s, summed over busy periods:
 * not start-up alone, not one short burst; a service whose load keeps it just around the busy
 * threshold counts each of its periods), then stays at rest for `settleMs` (10 s: a pause
 * between bursts is not the end of the load), and the heap has at least `minSpareBytes` (8 MiB)
 * to give back, this asks V8 for one memory-reducing full collection (`flavor: 'last-resort'`,
 * posted as a task: `execution: 'async'`). It compacts the old generation, shrinks the young one
 * to its start size and unmaps the pooled pages. With `trim`, a second after the collection it
 * asks glibc's allocator to give back its free pages too (`malloc_trim`), which it otherwise keeps
 * resident whatever V8 frees: up to 11 MiB per service after a load here. The price: one such
 * collection per load that ends (~0.1 s of pause, 0.25–0.45 s of CPU with its helper threads and
 * the unmapping, per service here; the trim adds ~2 ms), at most one per `minIntervalMs`; when
 * load comes back, the young generation grows again over its first collections. A return to rest
 * with too little work for a release (start-up above all) gets the trim alone, once settled, at
 * most once per `minIntervalMs`: start-up leaves ~20 MiB free in malloc's heap (a bundled service
 * reads and compiles one 3 MB script), which a service nobody loads would otherwise keep.
 *
 * A light load may never make the loop busy by the monitor's measure (under 5 % of a second's
 * work) and so never end in a return to rest, yet grow the young generation to its limit: the
 * twenty-fourth round's baseline runs found recommendations or analytics holding ~138 MiB after
 * the load (a 32 MiB young generation) in 2 of 5 runs. With `cpuShare`, a watch every `watchMs`
 * (10 s) catches the end of such a load by the process's CPU (at most 1 % of a core over the
 * period) and releases when the process holds `watchMinSpareBytes` (16 MiB) more than the last
 * release left (or less, read since). It reads the resident memory, not V8's heap statistics:
 * V8 often shrinks the young generation by itself once the load ends, and its statistics then
 * read ~1 MiB while the pages stay resident in its pool (the twenty-fifth round: recommendations
 * at 136 MiB, 35 above its neighbours, with a 1 MiB young generation).
 */
export class HeapReleaseAtRest {
  private readonly settleMs: number;
  private readonly minBusyMs: number;
  private readonly minSpareBytes: number;
  private readonly watchMinSpareBytes: number;
  private readonly minIntervalMs: number;
  private readonly spareBytes: () => number;
  private readonly now: () => number;
  private lastAt = Number.NEGATIVE_INFINITY;
  private lastTrimAt = Number.NEGATIVE_INFINITY;
  /** Busy time since the last release, ms. */
  private busyMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private trimTimer: NodeJS.Timeout | undefined;
  private watchTimer: NodeJS.Timeout | undefined;
  private readonly startedAt: number;
  private readonly quietCpuShare: number;
  private readonly residentBytes: () => number;
  /**
   * The process's resident memory right after the last release, or less read since (at a quiet
   * look of the watch, or after a trim alone), bytes: what the watch's spare memory is measured
   * from.
   */
  private floorResident = Number.POSITIVE_INFINITY;

  constructor(private readonly options: HeapReleaseAtRestOptions) {
    this.settleMs = options.settleMs ?? 10_000;
    this.minBusyMs = options.minBusyMs ?? 10_000;
    this.minSpareBytes = options.minSpareBytes ?? 8 * 1024 * 1024;
    this.watchMinSpareBytes = options.watchMinSpareBytes ?? 16 * 1024 * 1024;
    this.minIntervalMs = options.minIntervalMs ?? 60_000;
    this.spareBytes = options.spareBytes ?? (() => spareHeapBytes());
    this.now = options.now ?? Date.now;
    this.quietCpuShare = options.quietCpuShare ?? 0.01;
    this.residentBytes = options.residentBytes ?? (() => process.memoryUsage.rss());
    this.startedAt = this.now();
    if (options.cpuShare) {
      this.watchTimer = setInterval(() => this.watchForQuiet(), options.watchMs ?? 10_000);
      this.watchTimer.unref();
    }
  }

  /**
   * One look of the watch (see {@link HeapReleaseAtRestOptions.cpuShare}); true when it asked for
   * a release. Every quiet look, start-up's included, lowers the floor it measures from to the
   * resident memory it reads, if that is lower.
   */
  watchForQuiet(): boolean {
    const quiet = (this.options.cpuShare?.() ?? 1) <= this.quietCpuShare;
    if (!quiet) return false; // under load: its memory says nothing about the floor
    const resident = this.residentBytes();
    this.floorResident = Math.min(this.floorResident, resident);
    if (this.timer !== undefined) return false; // a release or trim is armed
    const now = this.now();
    if (now - this.startedAt < (this.options.startUpMs ?? 60_000)) return false;
    if (now - this.lastAt < this.minIntervalMs) return false;
    if (this.options.restingForMs() < this.settleMs) return false;
    if (resident - this.floorResident < this.watchMinSpareBytes) return false;
    this.release();
    return true;
  }

  /**
   * The loop came to rest after `busyForMs` of work: once the busy time since the last release
   * reaches `minBusyMs`, release in `settleMs` if the loop is at rest then. Every return to rest
   * arms the timer again, so a loop at rest when it fires has stayed at rest since it was armed
   * (a busy window in between either still holds it busy or ended in a return to rest).
   */
  onRest(busyForMs: number): void {
    this.busyMs += busyForMs;
    if (this.busyMs >= this.minBusyMs) {
      this.arm(() => this.releaseIfSettled());
    } else if (this.options.trim && this.now() - this.lastTrimAt >= this.minIntervalMs) {
      // Too little work for a collection, but the allocator may hold what it freed: start-up
      // reads and compiles the service's code and leaves ~20 MiB free in malloc's heap.
      this.arm(() => this.trimIfSettled());
    }
  }

  /** (Re)arms the one pending step for `settleMs` from now; it never keeps a process alive. */
  private arm(step: () => void): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(step, this.settleMs);
    this.timer.unref();
  }

  /** Trims now, without a collection, if the loop is still at rest. */
  trimIfSettled(): boolean {
    this.timer = undefined;
    const trim = this.options.trim;
    if (!trim || this.options.restingForMs() <= 0) return false;
    this.runTrim(trim);
    // No collection ran, so the young generation's pages are still held: a trim alone only
    // ever lowers the watch's floor.
    this.floorResident = Math.min(this.floorResident, this.residentBytes());
    return true;
  }

  /** Cancels a pending release or trim. */
  stop(): void {
    clearTimeout(this.timer);
    clearTimeout(this.trimTimer);
    clearInterval(this.watchTimer);
    this.timer = undefined;
    this.trimTimer = undefined;
    this.watchTimer = undefined;
  }

  /**
   * Releases now if the loop is at rest, the interval has passed and there is enough to give
   * back; at rest within the interval, looks again when it has passed.
   */
  releaseIfSettled(): boolean {
    this.timer = undefined;
    const now = this.now();
    if (this.options.restingForMs() <= 0) return false;
    const untilInterval = this.lastAt + this.minIntervalMs - now;
    if (untilInterval > 0) {
      // At rest, but the last release is recent (a load that ended within a minute of the one
      // before): look again once the interval has passed. A return to busy before then ends in a
      // return to rest, which arms the timer afresh.
      this.timer = setTimeout(() => this.releaseIfSettled(), untilInterval);
      this.timer.unref();
      return false;
    }
    if (this.spareBytes() < this.minSpareBytes) return false;
    this.release();
    return true;
  }

  /**
   * Asks V8 for the memory-reducing collection, then the trim; what is left resident after them
   * is the watch's new floor.
   */
  private release(): void {
    this.lastAt = this.now();
    this.busyMs = 0;
    const collected = this.options.gc({ type: 'major', execution: 'async', flavor: 'last-resort' });
    this.options.onRelease?.();
    const trim = this.options.trim;
    // V8 answers an async collection with a promise settled once it is done.
    void Promise.resolve(collected).then(
      () => (trim ? this.trimSoon(trim) : this.keepFloor()),
      () => undefined,
    );
  }

  /** Trims once and reports it; the trim runs first (`onTrim?.(trim())` would skip it without onTrim). */
  private runTrim(trim: MallocTrim): void {
    this.lastTrimAt = this.now();
    const released = trim();
    this.options.onTrim?.(released);
  }

  /** What is resident right after a release: the floor the watch measures from. */
  private keepFloor(): void {
    this.floorResident = this.residentBytes();
  }

  private trimSoon(trim: MallocTrim): void {
    clearTimeout(this.trimTimer);
    this.trimTimer = setTimeout(() => {
      this.trimTimer = undefined;
      this.runTrim(trim);
      this.keepFloor();
    }, this.options.trimDelayMs ?? 1_000);
    this.trimTimer.unref();
  }
}
