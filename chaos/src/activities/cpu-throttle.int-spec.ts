import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { measureCpuPercent, throttleCpu } from './cpu-throttle';

/** The cpu controller's group of `pid` (its line of /proc/<pid>/cgroup). */
function cpuGroupOf(pid: number): string {
  return (
    readFileSync(`/proc/${pid}/cgroup`, 'utf8')
      .split('\n')
      .find((line) => /^\d+:([^:]*,)?cpu(,[^:]*)?:/.test(line) || line.startsWith('0::')) ?? ''
  );
}

/** Share of one core `pid` used over `ms` (0–1). */
async function coreShare(pid: number, ms: number): Promise<number> {
  return (await measureCpuPercent(pid, ms)) / 100;
}

describe('throttleCpu (the kernel CFS limit on a real process)', () => {
  let busy: ChildProcess;

  beforeAll(() => {
    busy = spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
  });

  afterAll(() => {
    busy.kill('SIGKILL');
  });

  it('when a busy process is limited to 10 % of a core, then it gets about that, and all of it back once released', async () => {
    // Arrange
    const pid = busy.pid!;
    const free = await coreShare(pid, 1_000);

    // Act
    const throttle = throttleCpu(pid, 10, 'int-spec');
    const inGroup = cpuGroupOf(pid);
    const limited = await coreShare(pid, 2_000);
    const stats = throttle.stats();
    throttle.release();
    // Back in its own group at once; its CPU share then depends on what else the machine runs,
    // so it gets a few seconds to show more than the limit allowed.
    const released: number[] = [];
    while (released.length < 4 && Math.max(0, ...released) <= 0.3)
      released.push(await coreShare(pid, 1_000));

    // Assert
    expect(free).toBeGreaterThan(0.3);
    expect(inGroup).toContain('rc-chaos-int-spec');
    expect(limited).toBeLessThan(0.16);
    expect(stats.throttledPeriods).toBeGreaterThan(5);
    expect(stats.throttledMs).toBeGreaterThan(500);
    expect(cpuGroupOf(pid)).not.toContain('rc-chaos-');
    expect(existsSync(throttle.group)).toBe(false);
    expect(Math.max(...released)).toBeGreaterThan(0.3);
  });

  it('when a process sleeps, then measureCpuPercent reads it near zero, and a busy one near a core', async () => {
    // Arrange
    const idle = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], {
      stdio: 'ignore',
    });
    await new Promise((r) => setTimeout(r, 500)); // past its start-up

    // Act
    const [sleeping, spinning] = await Promise.all([
      measureCpuPercent(idle.pid!, 1_000),
      measureCpuPercent(busy.pid!, 1_000),
    ]);
    idle.kill('SIGKILL');

    // Assert
    expect(sleeping).toBeLessThan(5);
    expect(spinning).toBeGreaterThan(30);
  });

  it('when it is released twice, or after the process exited, then nothing fails', async () => {
    // Arrange
    const short = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 200)'], { stdio: 'ignore' });
    const throttle = throttleCpu(short.pid!, 50, 'int-spec-exit');
    await new Promise((r) => short.once('exit', r));

    // Act / Assert
    expect(() => throttle.release()).not.toThrow();
    expect(() => throttle.release()).not.toThrow();
  });
});
