/**
 * Sends a request to `baseUrl + path` the way an API client does: `body`, when given, as JSON
 * with its content type; `headers` on top. Returns the fetch `Response` untouched, so a test
 * asserts on status, headers and body as it needs.
 */
export function sendJson(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
