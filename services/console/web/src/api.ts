/** A problem+json answer (RFC 9457) as the platform's services send it. */
export interface Problem {
  status: number;
  title: string;
  detail: string;
  code?: string;
}

/** An answer of the console's API: the body when it is OK, the problem otherwise. */
export type Answer<T> =
  | { ok: true; status: number; body: T; degraded: string[] }
  | { ok: false; status: number; problem: Problem; degraded: string[] };

/** Reads a problem from any failed answer, with a readable title even for non-JSON bodies. */
async function problemOf(res: Response): Promise<Problem> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    return {
      status: res.status,
      title: body.title ?? `Request failed (${res.status})`,
      detail: body.detail ?? '',
      ...(body.code ? { code: body.code } : {}),
    };
  } catch {
    return { status: res.status, title: `Request failed (${res.status})`, detail: '' };
  }
}

/**
 * Calls the console's API. Never throws: a network failure is a problem with status 0, so every
 * page can show a message instead of a blank screen.
 */
export async function call<T>(
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  try {
    const res = await fetch(path, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const degraded = (res.headers.get('x-degraded') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!res.ok) return { ok: false, status: res.status, problem: await problemOf(res), degraded };
    const text = await res.text();
    return {
      ok: true,
      status: res.status,
      body: (text ? JSON.parse(text) : undefined) as T,
      degraded,
    };
  } catch (e) {
    return {
      ok: false,
      status: 0,
      problem: {
        status: 0,
        title: 'The console did not answer',
        detail: e instanceof Error ? e.message : String(e),
      },
      degraded: [],
    };
  }
}

/** A fresh Idempotency-Key. */
export function newKey(): string {
  return crypto.randomUUID();
}
