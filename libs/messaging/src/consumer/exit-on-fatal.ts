import type { MessagingLogger } from '../shared/messaging-logger';

/** What a consumer does when it halts on a fatal error (given the error). */
export type FatalErrorHandler = (error: unknown) => void;

/**
 * The services' answer to a consumer that halted on a fatal error — the consumer, not a message,
 * is broken (a missing table, bad credentials): log it at `error` naming the consumer, then end
 * the process with code 1, so the orchestrator restarts it and alerts instead of the service
 * running half-alive (serving HTTP while its events pile up). Nothing is committed past the
 * failing message, so the next process picks it up again.
 * @param name the consumer in the log line (`orders consumer`)
 * @param log where the line goes (the JSON logger flushes what waits on `process.exit`)
 * @param exit ends the process; default `process.exit` (tests pass a fake)
 */
export function exitOnFatal(
  name: string,
  log: MessagingLogger,
  exit: (code: number) => void = (code) => process.exit(code),
): FatalErrorHandler {
  return (error) => {
    log('error', `${name} stopped on a fatal error; exiting`, { error: String(error) });
    exit(1);
  };
}
