import { getHeapSpaceStatistics, setFlagsFromString, type HeapSpaceInfo } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  HeapReleaseAtRest,
  cpuShareSinceLastCall,
  obtainGc,
  spareHeapBytes,
  type GcFunction,
  type GcOptions,
  type HeapReleaseAtRestOptions,
} from './heap-release';

const MiB = 1024 * 1024;

/** Committed size of one V8 heap space, bytes. */
function spaceSize(name: string): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === name)!.space_size;
}

/** Allocates for `ms` objects that live a little (a rolling window): the young generation grows. */
function churn(ms: number): number {
  const window: unknown[][] = [];
  let kept = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const batch: unknown[] = [];
    for (let i = 0; i < 2_000; i++) batch.push({ i, s: `item-${i}`, n: [i] });
    window.push(batch);
    if (window.length > 20) kept += window.shift()!.length;
  }
  return kept + window.length;
}

/** A heap space as `getHeapSpaceStatistics` reports it. */
function space(name: string, size: number, used: number): HeapSpaceInfo {
  return {
    space_name: name,
    space_size: size,
    space_used_size: used,
    space_available_size: 0,
    physical_space_size: size,
  };
}

/**
 * V8's own gc for the tests that need the real collector (jest's workers run without
 * `--expose-gc`): the flag is set for one new context, whose gc is taken. The services do not
 * do this (see obtainGc).
 */
function realGc(): GcFunction {
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as GcFunction;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

describe('obtainGc', () => {
  const global = globalThis as { gc?: unknown };
  const before = global.gc;
  afterEach(() => {
    if (before === undefined) delete global.gc;
    else global.gc = before;
  });

  it('when the process runs with --expose-gc, then it gives the global gc', () => {
    const gc = () => undefined;
    global.gc = gc;

    expect(obtainGc()).toBe(gc);
  });

  it('when the process runs without --expose-gc, then it gives nothing', () => {
    delete global.gc;

    expect(obtainGc()).toBeUndefined();
  });
});

describe('spareHeapBytes', () => {
  it('when the young generation grew and the old one has free pages, then both count, nothing else', () => {
    const spaces = [
      space('new_space', 32 * MiB, 2 * MiB),
      space('old_space', 42 * MiB, 30 * MiB),
      space('code_space', 6 * MiB, 5 * MiB),
      space('large_object_space', 2 * MiB, 2 * MiB),
    ];

    expect(spareHeapBytes(spaces, 1 * MiB)).toBe(31 * MiB + 12 * MiB);
  });

  it('when the young generation is at its start size, then it counts nothing', () => {
    expect(spareHeapBytes([space('new_space', 1 * MiB, 0)], 1 * MiB)).toBe(0);
  });
});

describe('cpuShareSinceLastCall', () => {
  it('when the process worked since the last call, then it reads the CPU it used over the time passed; when it then waited, then it reads little', async () => {
    const cpuShare = cpuShareSinceLastCall();
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    const end = start + 60;
    while (performance.now() < end) {
      // busy
    }
    const afterWork = cpuShare();
    const used = process.cpuUsage(cpuBefore);
    // What the process had of a core: all of it on an idle machine, less when others compete.
    const expected = (used.user + used.system) / 1000 / (performance.now() - start);

    await sleep(150);
    const afterWaiting = cpuShare();

    expect(afterWork).toBeGreaterThan(0.1);
    expect(Math.abs(afterWork - expected)).toBeLessThan(0.1);
    expect(afterWaiting).toBeLessThan(0.3);
  });
});

describe('HeapReleaseAtRest', () => {
  let release: HeapReleaseAtRest | undefined;
  afterEach(() => release?.stop());

  /** A release with a recording gc, at rest for an hour, 40 MiB to give back, settling in 50 ms. */
  function arrange(options: Partial<HeapReleaseAtRestOptions> = {}) {
    const calls: (GcOptions | undefined)[] = [];
    let released = 0;
    release = new HeapReleaseAtRest({
      gc: (o) => void calls.push(o),
      restingForMs: () => 3_600_000,
      spareBytes: () => 40 * MiB,
      settleMs: 50,
      onRelease: () => released++,
      ...options,
    });
    return { release, calls, released: () => released };
  }

  it('when the loop has stayed at rest for the settle time, then it asks once for a memory-reducing full collection, posted as a task', async () => {
    const { release, calls, released } = arrange();

    release.onRest(60_000);
    await sleep(20);
    const beforeSettled = calls.length;
    await sleep(80);

    expect(beforeSettled).toBe(0);
    expect(calls).toEqual([{ type: 'major', execution: 'async', flavor: 'last-resort' }]);
    expect(released()).toBe(1);
  });

  it('when the busy time since the last release is shorter than the least worth a release, then it does not release; when later periods make it up, then it does', async () => {
    const { release, calls } = arrange({ minBusyMs: 10_000 });

    release.onRest(6_000);
    await sleep(100);
    const afterShortPeriod = calls.length;
    release.onRest(4_000);
    await sleep(100);
    const afterEnoughBusyTime = calls.length;
    release.onRest(9_999);
    await sleep(100);

    expect([afterShortPeriod, afterEnoughBusyTime]).toEqual([0, 1]);
    expect(calls).toHaveLength(1); // counted again from the release
  });

  describe('the watch for the end of a light load (cpuShare)', () => {
    /**
     * A release watched by hand (watchForQuiet), at rest an hour: the first look (start-up, at
     * 100 MiB resident) sets the lowest; the clock then moves 60 s on, past start-up.
     */
    function watched(options: Partial<HeapReleaseAtRestOptions> = {}) {
      let now = 0;
      let cpu = 0.002;
      let resident = 100 * MiB;
      const arranged = arrange({
        cpuShare: () => cpu,
        residentBytes: () => resident,
        // The heap's statistics say nothing is spare (V8 shrank the young generation by
        // itself): the watch goes by the resident memory.
        spareBytes: () => 0,
        watchMs: 3_600_000, // looked at by the test, not the timer
        now: () => now,
        ...options,
      });
      const start = arranged.release.watchForQuiet();
      now = 60_000;
      return {
        ...arranged,
        start,
        load: (share: number) => void (cpu = share),
        resident: (mib: number) => void (resident = mib * MiB),
        later: (ms: number) => void (now += ms),
      };
    }

    it('when a light load grew the resident memory, then it waits while the process works; when a look finds it quiet, then it releases once', () => {
      const { release, calls, start, load, resident, later } = watched();

      load(0.03); // 3 % of a core: a light load, which the delay monitor may not call busy
      resident(136);
      const whileLoaded = release.watchForQuiet();
      later(10_000);
      load(0.004);
      const quiet = release.watchForQuiet();
      later(10_000);
      const again = release.watchForQuiet();

      expect([start, whileLoaded, quiet, again]).toEqual([false, false, true, false]);
      expect(calls).toEqual([{ type: 'major', execution: 'async', flavor: 'last-resort' }]);
    });

    it('when the resident memory is less than watchMinSpareBytes above the floor, then it does not release', () => {
      const { release, calls, resident } = watched();

      resident(100 + 15.9);
      release.watchForQuiet();

      expect(calls).toEqual([]);
    });

    it('when it has released, then it measures from what the release left, not from the lowest before it', async () => {
      const { release, calls, resident, later } = watched();
      resident(136);
      release.watchForQuiet(); // released: 36 MiB above the floor
      resident(104); // what the release left
      await sleep(0); // the collection settled: the floor is read

      resident(119); // 15 MiB above it: not worth another
      later(60_000);
      const below = release.watchForQuiet();
      resident(121);
      later(60_000);
      const above = release.watchForQuiet();

      expect([below, above]).toEqual([false, true]);
      expect(calls).toHaveLength(2);
    });

    it('when a release came during a pause in the load, then the memory the rest of the load grew is released after it', async () => {
      const { release, calls, load, resident, later } = watched();
      resident(136);
      release.watchForQuiet(); // a quiet look between two steps of the load: released
      resident(100);
      await sleep(0);

      load(0.03);
      resident(117); // the load grows the young generation again
      later(10_000);
      const whileLoaded = release.watchForQuiet();
      load(0.004);
      later(60_000);
      const afterTheLoad = release.watchForQuiet();

      expect([whileLoaded, afterTheLoad]).toEqual([false, true]);
      expect(calls).toHaveLength(2);
    });

    it('when a trim alone ran after a short busy period, then it does not take the memory it left as the floor', () => {
      const { release, calls, resident, later } = watched({ trim: () => true });
      release.onRest(2_000); // too little work for a release: a trim alone is armed
      resident(139); // the young generation's pages, still held: a trim cannot give them back
      later(10_000);
      release.trimIfSettled();

      later(10_000);
      const afterTheTrim = release.watchForQuiet();

      expect(afterTheTrim).toBe(true);
      expect(calls).toHaveLength(1);
    });

    it('when start-up is not over, the loop has not been at rest for the settle time or the last release is under the interval old, then it does not release', () => {
      const young = watched({ startUpMs: 120_000 });
      young.resident(136);
      const duringStartUp = young.release.watchForQuiet();
      young.release.stop();
      const busy = watched({ restingForMs: () => 49 });
      busy.resident(136);
      const notSettled = busy.release.watchForQuiet();
      busy.release.stop();
      const recent = watched({ spareBytes: () => 40 * MiB });
      recent.release.releaseIfSettled(); // a release after a busy load, just now
      recent.resident(136);
      recent.later(59_000);
      const withinInterval = recent.release.watchForQuiet();

      expect([duringStartUp, notSettled, withinInterval]).toEqual([false, false, false]);
      expect([...young.calls, ...busy.calls]).toEqual([]);
      expect(recent.calls).toHaveLength(1); // the release after the busy load alone
    });

    it('when it watches by its own timer, then a quiet service holding spare memory is released', async () => {
      const calls: (GcOptions | undefined)[] = [];
      let resident = 100 * MiB;
      release = new HeapReleaseAtRest({
        gc: (o) => void calls.push(o),
        restingForMs: () => 3_600_000,
        cpuShare: () => 0,
        residentBytes: () => resident,
        watchMs: 20,
        startUpMs: 0,
      });
      await sleep(50); // looks at 100 MiB
      resident = 140 * MiB;

      await sleep(100);

      expect(calls).toHaveLength(1);
    });
  });

  it('when the loop is busy when the settle time ends, then it does not release', async () => {
    const { release, calls } = arrange({ restingForMs: () => 0 });

    release.onRest(60_000);
    await sleep(100);

    expect(calls).toHaveLength(0);
  });

  it('when the loop comes to rest again before the settle time ends, then the settle time starts over', async () => {
    const { release, calls } = arrange({ settleMs: 80 });

    release.onRest(60_000);
    await sleep(50);
    release.onRest(60_000);
    await sleep(50);
    const atFirstDeadline = calls.length;
    await sleep(60);

    expect(atFirstDeadline).toBe(0);
    expect(calls).toHaveLength(1);
  });

  it('when the heap has less to give back than the least worth a release, then it does not release', () => {
    const { release, calls } = arrange({ spareBytes: () => 8 * MiB - 1 });

    expect(release.releaseIfSettled()).toBe(false);
    expect(calls).toHaveLength(0);
  });

  it('when the last release is more recent than the interval, then it waits until the interval has passed', () => {
    let now = 1_000_000;
    const { release, calls } = arrange({ minIntervalMs: 60_000, now: () => now });
    release.releaseIfSettled();

    now += 59_999;
    const withinInterval = release.releaseIfSettled();
    now += 1;
    const afterInterval = release.releaseIfSettled();

    expect([withinInterval, afterInterval]).toEqual([false, true]);
    expect(calls).toHaveLength(2);
  });

  it('when a second load ends within the interval of the first release, then it releases once the interval has passed, if still at rest', async () => {
    const { release, calls } = arrange({ settleMs: 20, minIntervalMs: 150 });

    release.onRest(60_000);
    await sleep(60);
    const afterFirstLoad = calls.length;
    release.onRest(60_000); // the second load ends 60 ms after the first release
    await sleep(60);
    const withinInterval = calls.length;
    await sleep(120);

    expect([afterFirstLoad, withinInterval]).toEqual([1, 1]);
    expect(calls).toHaveLength(2);
  });

  it('when a release has been asked for and its collection is done, then after the trim delay it asks the allocator once for its free pages', async () => {
    let collectionDone!: () => void;
    const trims: boolean[] = [];
    let trimmed = 0;
    const { release } = arrange({
      gc: () => new Promise<void>((resolve) => (collectionDone = resolve)),
      trim: () => ++trimmed > 0,
      trimDelayMs: 30,
      onTrim: (released) => trims.push(released),
    });

    expect(release.releaseIfSettled()).toBe(true);
    await sleep(60);
    const beforeCollectionDone = trimmed;
    collectionDone();
    await sleep(10);
    const withinDelay = trimmed;
    await sleep(60);

    expect([beforeCollectionDone, withinDelay]).toEqual([0, 0]);
    expect(trims).toEqual([true]);
  });

  it('when no release is made, then it does not trim', async () => {
    let trimmed = 0;
    const { release } = arrange({
      spareBytes: () => 0,
      trim: () => ++trimmed > 0,
      trimDelayMs: 0,
    });

    expect(release.releaseIfSettled()).toBe(false);
    await sleep(30);

    expect(trimmed).toBe(0);
  });

  it('when the loop settles at rest after too little work for a release (start-up), then it trims alone, without a collection', async () => {
    const trims: boolean[] = [];
    const { release, calls } = arrange({
      trim: () => true,
      onTrim: (released) => trims.push(released),
    });

    release.onRest(2_000);
    await sleep(20);
    const beforeSettled = trims.length;
    await sleep(80);

    expect(beforeSettled).toBe(0);
    expect(trims).toEqual([true]);
    expect(calls).toEqual([]);
  });

  it('when a trim ran within the interval, then a return to rest with too little work does not trim again; after the interval it does', async () => {
    let now = 0;
    let trimmed = 0;
    const { release } = arrange({
      trim: () => ++trimmed > 0,
      minIntervalMs: 60_000,
      now: () => now,
    });

    release.onRest(2_000);
    await sleep(100);
    now = 30_000;
    release.onRest(2_000);
    await sleep(100);
    const withinInterval = trimmed;
    now = 61_000;
    release.onRest(2_000);
    await sleep(100);

    expect(withinInterval).toBe(1);
    expect(trimmed).toBe(2);
  });

  it('when the loop is busy when a trim alone is due, then it does not trim', async () => {
    let trimmed = 0;
    const { release } = arrange({ trim: () => ++trimmed > 0, restingForMs: () => 0 });

    release.onRest(2_000);
    await sleep(100);

    expect(trimmed).toBe(0);
  });

  it('when there is no trim, then a return to rest with too little work arms nothing', async () => {
    const { release, calls } = arrange();

    release.onRest(2_000);
    await sleep(100);

    expect(release.trimIfSettled()).toBe(false);
    expect(calls).toEqual([]);
  });

  it('when it is stopped before the trim delay ends, then it does not trim', async () => {
    let trimmed = 0;
    const { release } = arrange({ trim: () => ++trimmed > 0, trimDelayMs: 40 });

    release.releaseIfSettled();
    await sleep(10);
    release.stop();
    await sleep(60);

    expect(trimmed).toBe(0);
  });

  // Real V8, no stand-in: the young generation this process grew is given back.
  it('when a process that grew its young generation settles at rest, then the young generation shrinks to its start size', async () => {
    // Arrange: churn until the young generation has grown (V8 grows it under survival)
    let grown = 0;
    for (let i = 0; i < 10 && grown < 4 * MiB; i++) {
      churn(300);
      grown = spaceSize('new_space');
    }
    expect(grown).toBeGreaterThanOrEqual(4 * MiB);
    expect(spareHeapBytes()).toBeGreaterThanOrEqual(3 * MiB);
    release = new HeapReleaseAtRest({
      gc: realGc(),
      restingForMs: () => 3_600_000,
      minSpareBytes: 0,
    });

    // Act
    expect(release.releaseIfSettled()).toBe(true);
    await sleep(100); // the collection runs as a posted task

    // Assert
    expect(spaceSize('new_space')).toBeLessThanOrEqual(2 * MiB);
  });
});
