/**
 * Default answer to "does this error count against the dependency's health?": yes, unless the
 * error says otherwise with `countsAsFailure: false`. The HTTP client sets that on 4xx responses
 * (the caller's fault, the dependency answered correctly) and on 429, which is flow control
 * rather than ill health. Such errors are recorded as successful calls.
 */
export function isBreakerFailure(error: unknown): boolean {
  return (
    typeof error !== 'object' ||
    error === null ||
    (error as { countsAsFailure?: unknown }).countsAsFailure !== false
  );
}
