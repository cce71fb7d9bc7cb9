import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { kafkaBrokerPid } from '../src/platform/kafka-broker-pid';

const ROOT = join(__dirname, '..', '..');

/** The state letter of a process (`T` = stopped), from /proc. */
function stateOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/** Whether something accepts connections on a loopback port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

// Ctrl-C in the middle of a fault: the run stops at once and still leaves nothing behind — no
// frozen broker, no service, no proxy, no pending undo — and says so in its journal.
describe('chaos CLI interrupted by Ctrl-C', () => {
  it('when SIGINT arrives while the Kafka broker is frozen, then the broker is thawed, the platform and the proxies are gone, the journal says interrupted and the exit code is 130', async () => {
    const kafkaPid = kafkaBrokerPid(ROOT);
    const cli = spawn(
      process.execPath,
      [
        'scripts/bench/run.mjs',
        'chaos/src/cli.ts',
        'run',
        'kafka-freeze',
        '--quick',
        '--skip-build',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    let frozenSeen = false;
    let sawStopped = false;
    const exited = new Promise<number | null>((resolve) =>
      cli.once('exit', (code) => resolve(code)),
    );
    cli.stdout.on('data', (d: Buffer) => (output += d.toString()));
    cli.stderr.on('data', (d: Buffer) => {
      output += d.toString();
      if (!frozenSeen && output.includes('method done SIGSTOP the Kafka broker')) {
        frozenSeen = true;
        void (async () => {
          // SIGSTOP takes effect once the broker's threads are next scheduled, not when kill()
          // returns: on a busy machine its main thread can still read `S` right after.
          for (let i = 0; i < 40 && !sawStopped; i++) {
            sawStopped = stateOf(kafkaPid) === 'T';
            if (!sawStopped) await setTimeout(50);
          }
          await setTimeout(500);
          cli.kill('SIGINT');
        })();
      }
    });

    const code = await exited;

    expect({ frozenSeen, sawStopped }).toEqual({ frozenSeen: true, sawStopped: true });
    expect(code).toBe(130);
    expect(stateOf(kafkaPid)).not.toBe('T');
    for (const port of [3300, 3301, 3302, 3303, 3304, 3305, 3320, 8474, 9095])
      expect({ port, listening: await listening(port) }).toEqual({ port, listening: false });
    expect(existsSync(join(ROOT, 'reports', 'chaos', '.pending-undo.json'))).toBe(false);
    const runs = join(ROOT, 'reports', 'chaos', 'kafka-freeze');
    const latest = readdirSync(runs).sort().at(-1)!;
    const journal = JSON.parse(readFileSync(join(runs, latest, 'journal.json'), 'utf8'));
    expect(journal.status).toBe('interrupted');
    expect(
      journal.activities.filter((a: { phase: string }) => a.phase === 'rollback').length,
    ).toBeGreaterThan(0);
  }, 600_000);
});
