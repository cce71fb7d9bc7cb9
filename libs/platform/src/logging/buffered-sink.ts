import type { LogSink } from './json-logger';

/** Options of {@link createBufferedSink}. */
export interface BufferedSinkOptions {
  /** Where the joined lines go (default: `process.stdout.write`). */
  write?: (chunk: string) => void;
  /** Written at once when this many bytes are waiting (default 64 KiB). */
  maxBytes?: number;
  /** Schedules the flush (default `setImmediate`: after the current turn's I/O callbacks). */
  schedule?: (flush: () => void) => void;
}

/** A {@link LogSink} that writes the lines of one event-loop turn together. */
export interface BufferedSink extends LogSink {
  /** Writes whatever is waiting now (also runs on process exit). */
  flush(): void;
}

/**
 * Collects log lines and writes them in one call per event-loop turn instead of one per line.
 * Each write to the stdout pipe is a system call that also wakes the reader; under load a
 * service logs several lines per turn (one per request at `info`), so this turns N calls into
 * one. Order is kept. The lines of the current turn are written on `process.exit` (a crash
 * included); only a SIGKILL can lose them, as it loses whatever a process has not written.
 */
export function createBufferedSink(options: BufferedSinkOptions = {}): BufferedSink {
  const write = options.write ?? ((chunk: string) => void process.stdout.write(chunk));
  const maxBytes = options.maxBytes ?? 64 * 1024;
  const schedule = options.schedule ?? ((flush: () => void) => void setImmediate(flush));
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
