import { type BackendStop, stopAtSafePoint, waitsAtSafePoint } from './backend-freeze';

const IDLE = '232 0x4 0x55fa71e39090 0x1 0xffffffff 0xffffffffffffffff 0x0 0x7ffeeb69a4a8 0x7f61';
const WRITING = '18 0xe 0x55fa72c41260 0x2000 0xd2ba000 0xa000004 0xf0d6dc 0x7ffeeb699f18 0x7f61';
const USER_SPACE = '-1 0x7ffeeb699f90 0x7f612bb16483';

/** A fake process whose /proc/<pid>/syscall reads `lines` in turn, recording the signals sent. */
function fakeProcess(lines: string[]) {
  const signals: string[] = [];
  let read = 0;
  return {
    signals,
    options: {
      maxPauseMs: 0,
      readSyscall: () => lines[Math.min(read++, lines.length - 1)]!,
      send: (_pid: number, sig: NodeJS.Signals) => (signals.push(sig), true),
    },
  };
}

describe('waitsAtSafePoint', () => {
  it.each([
    [IDLE, 'x64', true],
    ['281 0x4 0x1 0x1 0x0', 'x64', true],
    ['441 0x4 0x1 0x1 0x0', 'x64', true],
    ['22 0x4 0x1 0x1 0x0', 'arm64', true],
    ['22 0x4 0x1 0x1 0x0', 'x64', false], // 22 is pipe on x86-64
    [WRITING, 'x64', false],
    [USER_SPACE, 'x64', false],
    ['running', 'x64', false],
    ['', 'x64', false],
    [IDLE, 'riscv64', false], // an architecture it does not know is never judged safe
  ])('when /proc/<pid>/syscall reads %p on %s, then safe is %p', (line, arch, safe) => {
    expect(waitsAtSafePoint(line, arch)).toBe(safe);
  });
});

describe('stopAtSafePoint', () => {
  it('when the backend waits at the first stop, then it stays stopped after one try', async () => {
    const p = fakeProcess([IDLE]);

    const stop = await stopAtSafePoint(7, p.options);

    expect(stop).toEqual<BackendStop>({ pid: 7, outcome: 'stopped', tries: 1 });
    expect(p.signals).toEqual(['SIGSTOP']);
  });

  it('when it is caught mid-statement, then it is let go and stopped again until it waits', async () => {
    const p = fakeProcess([WRITING, USER_SPACE, IDLE]);

    const stop = await stopAtSafePoint(7, p.options);

    expect(stop).toEqual<BackendStop>({ pid: 7, outcome: 'stopped', tries: 3 });
    expect(p.signals).toEqual(['SIGSTOP', 'SIGCONT', 'SIGSTOP', 'SIGCONT', 'SIGSTOP']);
  });

  it('when it never waits within the tries, then it is left running and reported busy', async () => {
    const p = fakeProcess([USER_SPACE]);

    const stop = await stopAtSafePoint(7, { ...p.options, maxTries: 4 });

    expect(stop).toEqual<BackendStop>({ pid: 7, outcome: 'busy', tries: 4 });
    expect(p.signals.at(-1)).toBe('SIGCONT');
  });

  it('when the process is gone, then it says so without stopping anything', async () => {
    const stop = await stopAtSafePoint(7, { send: () => false, readSyscall: () => IDLE });

    expect(stop).toEqual<BackendStop>({ pid: 7, outcome: 'gone', tries: 1 });
  });

  it('when /proc/<pid>/syscall cannot be read, then it is stopped unchecked with the reason', async () => {
    const p = fakeProcess([]);
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });

    const stop = await stopAtSafePoint(7, {
      ...p.options,
      readSyscall: () => {
        throw denied;
      },
    });

    expect(stop).toEqual<BackendStop>({
      pid: 7,
      outcome: 'unchecked',
      reason: 'EACCES: permission denied',
    });
    expect(p.signals).toEqual(['SIGSTOP']);
  });
});
