import type { LogSink } from './json-logger';

/** Options of {@link createBufferedSink}. */
export interface BufferedSinkOptions {
  /** Where the joined lines go (default: `process.stdout.write`). */
  write?: (chunk: string) => void;
  /** Written at once when this many bytes are waiting (default 64 KiB). */
  maxBytes?: number;
  /**
   * Schedules the flush (default: {@link LOG_FLUSH_DELAY_MS} later, on an unref'd timer, so the
   * lines of that many milliseconds go out in one write).
   */
  schedule?: (flush: () => void) => void;
}

/** A {@link LogSink} that writes the lines of one event-loop turn together. */
export interface BufferedSink extends LogSink {
  /** Writes whatever is waiting now (also runs on process exit). */
  flush(): void;
}

/**
 * How long a log line may wait for others to share its write, ms. At 15 checkouts/s inventory
 * writes ~45 access lines a second: flushed once per event-loop turn that was ~45 pipe writes
 * (4.4 % of its busy time in a profile), flushed every 100 ms it is at most 10.
 */
export const LOG_FLUSH_DELAY_MS = 100;

/**
 * Collects log lines and writes them together instead of one call per line. Each write to the
 * stdout pipe is a system call that also wakes the reader (the container runtime's log driver,
 * `npm start`); one line per request at `info` made that a write per request. Lines wait at
 * most {@link LOG_FLUSH_DELAY_MS} (or until 64 KiB are waiting); order is kept. What is waiting
 * is written on `process.exit` (a crash included); only a SIGKILL can lose it — at most that
 * many milliseconds of lines, as a SIGKILL loses whatever a process has not written.
 */
export function createBufferedSink(options: BufferedSinkOptions = {}): BufferedSink {
  const write = options.write ?? ((chunk: string) => void process.stdout.write(chunk));
  const maxBytes = options.maxBytes ?? 64 * 1024;
  const schedule =
    options.schedule ?? ((flush: () => void) => void setTimeout(flush, LOG_FLUSH_DELAY_MS).unref());
  let pending: string[] = [];
  let bytes = 0;
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const chunk = pending.length === 1 ? pending[0]! : pending.join('');
    pending = [];
    bytes = 0;
    write(chunk);
  };
  const sink = ((line: string) => {
    pending.push(line);
    bytes += line.length;
    if (bytes >= maxBytes) flush();
    else if (!scheduled) {
      scheduled = true;
      schedule(flush);
    }
  }) as BufferedSink;
  sink.flush = flush;
  return sink;
}

let stdoutBuffer: BufferedSink | undefined;

/** The process's one buffered stdout sink, flushed on exit. */
export function bufferedStdoutSink(): BufferedSink {
  if (!stdoutBuffer) {
    const sink = createBufferedSink();
    process.on('exit', () => sink.flush());
    stdoutBuffer = sink;
  }
  return stdoutBuffer;
}
