/** One canned answer of the fake fetch. */
export interface FakeAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A stand-in for `fetch` in the jsdom component tests (jsdom has none): answers by
 * `METHOD path` (query string ignored), records every call, 404 for anything unset.
 */
export function fakeFetch(routes: Record<string, FakeAnswer | ((body: unknown) => FakeAnswer)>) {
  const calls: { method: string; path: string; body: unknown; headers: Record<string, string> }[] =
    [];
  const fetch = jest.fn(
    async (
      path: string,
      init: { method?: string; body?: string; headers?: Record<string, string> } = {},
    ) => {
      const method = init.method ?? 'GET';
      const body: unknown = init.body ? JSON.parse(init.body) : undefined;
      calls.push({ method, path, body, headers: init.headers ?? {} });
      const route = routes[`${method} ${path.split('?')[0]}`];
      const answer = (typeof route === 'function' ? route(body) : route) ?? {
        status: 404,
        body: { title: 'Not Found' },
      };
      const headers = new Map(Object.entries(answer.headers ?? {}));
      return {
        ok: answer.status >= 200 && answer.status < 300,
        status: answer.status,
        headers: { get: (name: string) => headers.get(name.toLowerCase()) ?? null },
        text: async () => (answer.body === undefined ? '' : JSON.stringify(answer.body)),
      };
    },
  );
  Object.assign(globalThis, { fetch });
  return calls;
}
