import { BackgroundLoop, startBackgroundLoop } from './background-loop';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('startBackgroundLoop', () => {
  it('when started, then passes run every interval until stopped', async () => {
    // Arrange
    let passes = 0;
    const stop = startBackgroundLoop({ name: 't', intervalMs: 10, run: async () => void passes++ });

    // Act
    await sleep(80);
    await stop();
    const atStop = passes;
    await sleep(40);

    // Assert
    expect(atStop).toBeGreaterThanOrEqual(3);
    expect(passes).toBe(atStop);
  });

  it('when not immediate, then the first pass waits one interval; when immediate, it runs at once', async () => {
    // Arrange
    const runs = { later: 0, now: 0 };
    const stopLater = startBackgroundLoop({
      name: 'later',
      intervalMs: 1_000,
      run: async () => void runs.later++,
    });
    const stopNow = startBackgroundLoop({
      name: 'now',
      intervalMs: 1_000,
      immediate: true,
      run: async () => void runs.now++,
    });

    // Act
    await sleep(30);
    await Promise.all([stopLater(), stopNow()]);

    // Assert
    expect(runs).toEqual({ later: 0, now: 1 });
  });

  it('when a pass is slower than the interval, then passes never overlap', async () => {
    // Arrange
    let running = 0;
    let most = 0;
    let passes = 0;
    const stop = startBackgroundLoop({
      name: 'slow',
      intervalMs: 5,
      run: async () => {
        running++;
        most = Math.max(most, running);
        await sleep(25);
        running--;
        passes++;
      },
    });

    // Act
    await sleep(120);
    await stop();

    // Assert
    expect(passes).toBeGreaterThanOrEqual(2);
    expect(most).toBe(1);
  });

  it('when a pass fails, then the error is logged and the loop goes on', async () => {
    // Arrange
    const log = jest.fn();
    let passes = 0;
    const stop = startBackgroundLoop({
      name: 'flaky',
      intervalMs: 10,
      log,
      run: async () => {
        passes++;
        if (passes === 1) throw new Error('database down');
      },
    });

    // Act
    await sleep(60);
    await stop();

    // Assert
    expect(passes).toBeGreaterThanOrEqual(2);
    expect(log).toHaveBeenCalledWith('warn', 'background pass failed', {
      loop: 'flaky',
      error: 'Error: database down',
    });
  });

  it('when onError is given and throws, then it replaces the log line and the loop still goes on', async () => {
    // Arrange
    const log = jest.fn();
    const onError = jest.fn(() => {
      throw new Error('handler broke');
    });
    let passes = 0;
    const stop = startBackgroundLoop({
      name: 'handled',
      intervalMs: 10,
      log,
      onError,
      run: async () => {
        passes++;
        throw new Error('boom');
      },
    });

    // Act
    await sleep(60);
    await stop();

    // Assert
    expect(passes).toBeGreaterThanOrEqual(2);
    expect(onError).toHaveBeenCalledTimes(passes);
    expect(log).not.toHaveBeenCalled();
  });

  it('when stopped during a pass, then stop waits for that pass to end and no other starts', async () => {
    // Arrange
    let ended = 0;
    let started = 0;
    const stop = startBackgroundLoop({
      name: 'inflight',
      intervalMs: 10,
      immediate: true,
      run: async () => {
        started++;
        await sleep(40);
        ended++;
      },
    });
    await sleep(10);

    // Act
    await stop();
    await stop(); // a second call is harmless
    await sleep(30);

    // Assert
    expect({ started, ended }).toEqual({ started: 1, ended: 1 });
  });

  it('when jitter is set, then each pause is spread by up to ± that fraction', async () => {
    // Arrange: random() = 0 gives the shortest pause, intervalMs · (1 − jitter)
    const times: number[] = [];
    const stop = startBackgroundLoop({
      name: 'jittered',
      intervalMs: 100,
      jitter: 0.9,
      random: () => 0,
      run: async () => void times.push(Date.now()),
    });

    // Act
    await sleep(75);
    await stop();

    // Assert: at 10 ms pauses several passes ran within 75 ms, where 100 ms would give none
    expect(times.length).toBeGreaterThanOrEqual(3);
  });

  it('when the interval or the jitter is out of range, then it refuses to start', () => {
    const run = async () => undefined;
    expect(() => startBackgroundLoop({ name: 'x', intervalMs: 0, run })).toThrow(/intervalMs/);
    expect(() => startBackgroundLoop({ name: 'x', intervalMs: NaN, run })).toThrow(/intervalMs/);
    expect(() => startBackgroundLoop({ name: 'x', intervalMs: 10, jitter: 1, run })).toThrow(
      /jitter/,
    );
  });

  it('when running, then its timer does not keep the process alive', async () => {
    // Arrange
    const spy = jest.spyOn(global, 'setTimeout');
    const stop = startBackgroundLoop({ name: 'unref', intervalMs: 1_000, run: async () => 1 });

    // Act
    const timer = spy.mock.results.at(-1)?.value as NodeJS.Timeout;
    spy.mockRestore();

    // Assert
    expect(timer.hasRef()).toBe(false);
    await stop();
  });
});

describe('BackgroundLoop', () => {
  it('when started twice, then one loop runs; when stopped, then it can start again', async () => {
    // Arrange
    let passes = 0;
    const loop = new BackgroundLoop({
      name: 'object',
      intervalMs: 1_000,
      immediate: true,
      run: async () => void passes++,
    });

    // Act
    loop.start();
    loop.start();
    await sleep(20);
    const afterFirst = passes;
    await loop.stop();
    const runningAfterStop = loop.running;
    loop.start();
    await sleep(20);
    await loop.stop();

    // Assert
    expect(afterFirst).toBe(1);
    expect(runningAfterStop).toBe(false);
    expect(passes).toBe(2);
  });
});
