import { FakeClock } from '../clock';
import { timerSchedulerFor } from './timer-scheduler';
import { type Expirable, TimeoutQueue } from './timeout-queue';

function setup() {
  const clock = new FakeClock();
  const queue = new TimeoutQueue(clock, timerSchedulerFor(clock));
  const expired: string[] = [];
  const entry = (name: string, inMs: number): Expirable => ({
    expireAt: clock.monotonic() + inMs,
    prevExpirable: undefined,
    nextExpirable: undefined,
    expire: () => expired.push(`${name}@${clock.monotonic() - t0}`),
  });
  const t0 = clock.monotonic();
  return { clock, queue, expired, entry };
}

describe('TimeoutQueue', () => {
  it('when entries with one timeout are added over time, then each expires at its own time on a single timer', async () => {
    // Arrange
    const { clock, queue, expired, entry } = setup();

    // Act
    for (let i = 0; i < 5; i++) {
      queue.add(entry(`e${i}`, 100));
      await clock.advance(10);
    }
    const timers = clock.pendingSleeps;
    await clock.advance(200);

    // Assert
    expect(timers).toBe(1);
    expect(expired).toEqual(['e0@100', 'e1@110', 'e2@120', 'e3@130', 'e4@140']);
  });

  it('when a shorter entry arrives after longer ones, then it expires first', async () => {
    const { clock, queue, expired, entry } = setup();
    queue.add(entry('long', 100));
    queue.add(entry('longer', 150));

    queue.add(entry('short', 30));
    await clock.advance(200);

    expect(expired).toEqual(['short@30', 'long@100', 'longer@150']);
  });

  it('when an entry is removed before its time, then it never expires and the others still do', async () => {
    const { clock, queue, expired, entry } = setup();
    const a = entry('a', 50);
    const b = entry('b', 60);
    const c = entry('c', 70);
    [a, b, c].forEach((e) => queue.add(e));

    queue.remove(b);
    queue.remove(b); // a second removal is harmless
    await clock.advance(100);

    expect(expired).toEqual(['a@50', 'c@70']);
  });

  it('when every entry finished early, then the stale timer fires once and finds nothing', async () => {
    const { clock, queue, expired, entry } = setup();
    const a = entry('a', 100);
    queue.add(a);
    queue.remove(a);

    await clock.advance(100);

    expect(expired).toEqual([]);
    expect(clock.pendingSleeps).toBe(0);
  });
});
