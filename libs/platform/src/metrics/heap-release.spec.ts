import { getHeapSpaceStatistics, setFlagsFromString, type HeapSpaceInfo } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  HeapReleaseAtRest,
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

  describe('the watch for the end of a light load (minorGcs)', () => {
    /** A release watched by hand (watchForQuiet), 60 s into the process, at rest an hour. */
    function watched(options: Partial<HeapReleaseAtRestOptions> = {}) {
      let now = 0;
      let gcs = 0;
      const arranged = arrange({
        minorGcs: () => gcs,
        watchMs: 3_600_000, // looked at by the test, not the timer
        now: () => now,
        ...options,
      });
      now = 60_000;
      return {
        ...arranged,
        allocate: () => void (gcs += 3),
        later: (ms: number) => void (now += ms),
      };
    }

    it('when a young-generation collection ran since the last look, then it waits; when one look later none did, then it releases once', () => {
      const { release, calls, allocate, later } = watched();

      release.watchForQuiet(); // the first look has nothing to compare with
      allocate();
      const whileAllocating = release.watchForQuiet();
      later(10_000);
      const quiet = release.watchForQuiet();
      later(10_000);
      const again = release.watchForQuiet();

      expect([whileAllocating, quiet, again]).toEqual([false, true, false]);
      expect(calls).toEqual([{ type: 'major', execution: 'async', flavor: 'last-resort' }]);
    });

    it('when the heap has less than watchMinSpareBytes to give back, then it does not release', () => {
      const { release, calls } = watched({ spareBytes: () => 16 * MiB - 1 });

      release.watchForQuiet();
      release.watchForQuiet();

      expect(calls).toEqual([]);
    });

    it('when start-up is not over or the loop has not been at rest for the settle time, then it does not release', () => {
      const young = watched({ startUpMs: 120_000 });
      young.release.watchForQuiet();
      const duringStartUp = young.release.watchForQuiet();
      young.release.stop();
      const busy = watched({ restingForMs: () => 49 });
      busy.release.watchForQuiet();
      const notSettled = busy.release.watchForQuiet();

      expect([duringStartUp, notSettled]).toEqual([false, false]);
      expect([...young.calls, ...busy.calls]).toEqual([]);
    });

    it('when it watches by its own timer, then a quiet, spare heap is released within two periods', async () => {
      const calls: (GcOptions | undefined)[] = [];
      release = new HeapReleaseAtRest({
        gc: (o) => void calls.push(o),
        restingForMs: () => 3_600_000,
        spareBytes: () => 32 * MiB,
        minorGcs: () => 0,
        watchMs: 20,
        startUpMs: 0,
      });

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
