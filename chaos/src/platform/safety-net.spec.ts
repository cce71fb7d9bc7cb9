import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SafetyNet, signal } from './safety-net';

/** The state letter of a process (`T` = stopped), from /proc. */
function stateOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
}

describe('safety net (rollbacks that always run)', () => {
  const children: ChildProcess[] = [];
  const sleeper = () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(child);
    return child.pid!;
  };
  afterEach(() => children.splice(0).forEach((c) => c.kill('SIGKILL')));
  const file = () => join(mkdtempSync(join(tmpdir(), 'rc-chaos-')), 'pending.json');

  it('when undos are pending, then undoAll runs them newest first and forgets them', async () => {
    const net = new SafetyNet(file());
    const ran: string[] = [];
    net.add('a', { label: 'first', run: () => void ran.push('a') });
    net.add('b', { label: 'second', run: () => void ran.push('b') });
    net.add('c', { label: 'third', run: () => void ran.push('c') });
    net.remove('b');

    const done = await net.undoAll();

    expect(ran).toEqual(['c', 'a']);
    expect(done.map((d) => d.label)).toEqual(['third', 'first']);
    expect(net.pending()).toEqual([]);
  });

  it('when one undo throws, then the others still run and the error is reported', async () => {
    const net = new SafetyNet(file());
    const ran: string[] = [];
    net.add('a', { label: 'a', run: () => void ran.push('a') });
    net.add('b', {
      label: 'b',
      run: () => {
        throw new Error('boom');
      },
    });
    const done = await net.undoAll();
    expect(ran).toEqual(['a']);
    expect(done).toEqual([{ label: 'b', error: 'boom' }, { label: 'a' }]);
  });

  it('when a run dies with a process still frozen, then the next run thaws it from the state file', async () => {
    const state = file();
    const pid = sleeper();
    signal(pid, 'SIGSTOP');
    await until(() => stateOf(pid) === 'T');
    new SafetyNet(state).add('freeze', {
      label: 'thaw',
      run: () => undefined,
      pids: { thaw: [pid] },
    });
    expect(existsSync(state)).toBe(true);

    const notes = new SafetyNet(state).recoverLeftovers();

    await until(() => stateOf(pid) !== 'T');
    expect(stateOf(pid)).not.toBe('T');
    expect(notes).toEqual([`thawed pid ${pid}`]);
    expect(existsSync(state)).toBe(false);
  });

  it('when a run is killed with its services running, then the next run kills them', async () => {
    const state = file();
    const pid = sleeper();
    new SafetyNet(state).setOwnedProcesses([pid]);

    const notes = new SafetyNet(state).recoverLeftovers();

    await until(() => stateOf(pid) === undefined || stateOf(pid) === 'Z');
    expect(notes).toEqual([`killed pid ${pid}`]);
  });

  it('when the process in the state file has been replaced by another with the same pid, then it is left alone', () => {
    const state = file();
    const pid = sleeper();
    new SafetyNet(state).add('burner', {
      label: 'kill',
      run: () => undefined,
      pids: { kill: [pid] },
    });
    // Rewrite the start time, as if the pid now belonged to another process.
    const saved = JSON.parse(readFileSync(state, 'utf8'));
    saved.kill[0].start = '1';
    writeFileSync(state, JSON.stringify(saved));

    expect(new SafetyNet(state).recoverLeftovers()).toEqual([]);
    expect(stateOf(pid)).toBeDefined();
  });

  it('when the process exits, then the synchronous undo still signals', async () => {
    const pid = sleeper();
    signal(pid, 'SIGSTOP');
    await until(() => stateOf(pid) === 'T');
    const net = new SafetyNet(file());
    net.add('freeze', {
      label: 'thaw',
      run: () => undefined,
      sync: () => void signal(pid, 'SIGCONT'),
    });
    net.undoAllSync();
    await until(() => stateOf(pid) !== 'T');
    expect(stateOf(pid)).not.toBe('T');
  });
});
