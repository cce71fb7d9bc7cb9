import { OffsetCommitter, type PartitionOffset } from './offset-committer';

/** A committer whose commits are recorded; `fail` makes the next commit throw. */
function committer(intervalMs: number, maxPendingMessages = 100) {
  const commits: PartitionOffset[][] = [];
  const failures: PartitionOffset[][] = [];
  let fail = false;
  const c = new OffsetCommitter({
    commit: (offsets) => {
      if (fail) {
        fail = false;
        return Promise.reject(new Error('REBALANCE_IN_PROGRESS'));
      }
      commits.push(offsets);
      return Promise.resolve();
    },
    onFailure: (offsets) => void failures.push(offsets),
    intervalMs,
    maxPendingMessages,
  });
  return { c, commits, failures, failNext: () => (fail = true) };
}

describe('OffsetCommitter', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('when batches of several partitions are staged within the interval, then one commit carries the latest offset of each', async () => {
    const { c, commits } = committer(500);

    await c.stage('orders', 0, '11', 1);
    await c.stage('orders', 1, '4', 2);
    await c.stage('orders', 0, '13', 2);
    expect(commits).toEqual([]);
    await jest.advanceTimersByTimeAsync(500);

    expect(commits).toEqual([
      [
        { topic: 'orders', partition: 0, offset: '13' },
        { topic: 'orders', partition: 1, offset: '4' },
      ],
    ]);
  });

  it('when the interval is 0, then each staged offset is committed before stage resolves', async () => {
    const { c, commits } = committer(0);

    await c.stage('orders', 0, '11', 1);

    expect(commits).toEqual([[{ topic: 'orders', partition: 0, offset: '11' }]]);
  });

  it('when enough messages are staged, then they are committed before the interval is up', async () => {
    const { c, commits } = committer(60_000, 5);

    await c.stage('orders', 0, '3', 3);
    expect(commits).toHaveLength(0);
    await c.stage('orders', 0, '5', 2);

    expect(commits).toEqual([[{ topic: 'orders', partition: 0, offset: '5' }]]);
  });

  it('when flushed, then what is staged is committed at once and the timer does not commit it again', async () => {
    const { c, commits } = committer(500);
    await c.stage('payments', 2, '8', 1);

    await c.flush();
    await jest.advanceTimersByTimeAsync(1_000);

    expect(commits).toEqual([[{ topic: 'payments', partition: 2, offset: '8' }]]);
  });

  it('when a commit fails, then it is reported and the next staged position is committed on its own schedule', async () => {
    const { c, commits, failures, failNext } = committer(500);
    failNext();
    await c.stage('orders', 0, '2', 1);
    await jest.advanceTimersByTimeAsync(500);

    await c.stage('orders', 0, '3', 1);
    await jest.advanceTimersByTimeAsync(500);

    expect(failures).toEqual([[{ topic: 'orders', partition: 0, offset: '2' }]]);
    expect(commits).toEqual([[{ topic: 'orders', partition: 0, offset: '3' }]]);
  });

  it('when commits overlap, then they are sent one after the other in staging order', async () => {
    const order: string[] = [];
    let release: () => void = () => undefined;
    const c = new OffsetCommitter({
      commit: ([first]) => {
        order.push(`start ${first!.offset}`);
        return first!.offset === '1'
          ? new Promise<void>((resolve) => {
              release = () => {
                order.push('end 1');
                resolve();
              };
            })
          : Promise.resolve(void order.push(`end ${first!.offset}`));
      },
      onFailure: () => undefined,
      intervalMs: 0,
      maxPendingMessages: 100,
    });

    const first = c.stage('orders', 0, '1', 1);
    const second = c.stage('orders', 0, '2', 1);
    await Promise.resolve();
    release();
    await Promise.all([first, second]);

    expect(order).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('when discarded, then nothing staged is committed', async () => {
    const { c, commits } = committer(500);
    await c.stage('orders', 0, '9', 1);

    c.discard();
    await jest.advanceTimersByTimeAsync(1_000);
    await c.flush();

    expect(commits).toEqual([]);
  });
});
