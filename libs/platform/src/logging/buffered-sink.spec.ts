import { createBufferedSink, LOG_FLUSH_DELAY_MS } from './buffered-sink';

describe('createBufferedSink', () => {
  function fixture(maxBytes?: number) {
    const writes: string[] = [];
    const scheduled: (() => void)[] = [];
    const sink = createBufferedSink({
      write: (chunk) => writes.push(chunk),
      schedule: (flush) => scheduled.push(flush),
      ...(maxBytes !== undefined && { maxBytes }),
    });
    return { sink, writes, scheduled, runScheduled: () => scheduled.splice(0).forEach((f) => f()) };
  }

  it('when several lines are logged in one turn, then they are written once, in order, after it', () => {
    const f = fixture();

    f.sink('a\n');
    f.sink('b\n');
    f.sink('c\n');
    expect(f.writes).toEqual([]);
    f.runScheduled();

    expect(f.writes).toEqual(['a\nb\nc\n']);
    expect(f.scheduled).toHaveLength(0);
  });

  it('when the next turn logs again, then a new flush is scheduled', () => {
    const f = fixture();

    f.sink('a\n');
    f.runScheduled();
    f.sink('b\n');
    f.runScheduled();

    expect(f.writes).toEqual(['a\n', 'b\n']);
  });

  it('when maxBytes are waiting, then they are written at once', () => {
    const f = fixture(8);

    f.sink('1234\n');
    f.sink('5678\n');

    expect(f.writes).toEqual(['1234\n5678\n']);
    f.runScheduled();
    expect(f.writes).toEqual(['1234\n5678\n']);
  });

  it('when flushed by hand (process exit), then the waiting lines are written and nothing twice', () => {
    const f = fixture();

    f.sink('last words\n');
    f.sink.flush();
    f.runScheduled();

    expect(f.writes).toEqual(['last words\n']);
  });

  describe('with the default schedule', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('when lines are logged over several turns within the delay, then they share one write, made after the delay', () => {
      const writes: string[] = [];
      const sink = createBufferedSink({ write: (chunk) => writes.push(chunk) });

      sink('a\n');
      jest.advanceTimersByTime(LOG_FLUSH_DELAY_MS / 2);
      sink('b\n');
      expect(writes).toEqual([]);
      jest.advanceTimersByTime(LOG_FLUSH_DELAY_MS / 2);

      expect(writes).toEqual(['a\nb\n']);
      sink('c\n');
      jest.advanceTimersByTime(LOG_FLUSH_DELAY_MS);
      expect(writes).toEqual(['a\nb\n', 'c\n']);
    });
  });
});
