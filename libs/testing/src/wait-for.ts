/**
 * Polls `check` until it holds, pausing `pollMs` between tries (each try is awaited first, so a
 * slow check never overlaps itself); throws `timed out after <ms> ms waiting for <what>` after
 * `ms`. For asynchronous outcomes a test cannot await directly (a consumer applied an event, a
 * relay published a row).
 */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  ms: number,
  what: string,
  pollMs = 20,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * Resolves as `promise` does, or rejects with `timed out after <ms> ms: <what>` when it takes
 * longer than `ms`. `what` may be a function, read only on timeout, to report progress made so
 * far. The timer is always cleared, so a passing test leaves no handle open.
 */
export async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  what: string | (() => string),
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const described = typeof what === 'function' ? what() : what;
      reject(new Error(`timed out after ${ms} ms: ${described}`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
