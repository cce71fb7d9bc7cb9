/** Where the application layer reports what an operator must see (the platform's JSON logger fits). */
export interface CheckoutLogger {
  write(
    level: 'debug' | 'info' | 'warn' | 'error',
    message: string,
    fields?: Record<string, unknown>,
  ): void;
}

/** DI token of {@link CheckoutLogger}. */
export const CHECKOUT_LOGGER = Symbol('CheckoutLogger');

/** A logger that drops everything. */
export const silentCheckoutLogger: CheckoutLogger = { write: () => undefined };

/** A short, safe description of an error for logs (class, code, message; never request data). */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    error: error.message,
    errorName: error.name,
    ...(typeof code === 'string' ? { errorCode: code } : {}),
  };
}
