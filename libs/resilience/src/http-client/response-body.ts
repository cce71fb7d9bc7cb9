import type { ProblemDetails } from './http-dependency.error';

/** True for `application/json`, `application/problem+json` and other `+json` types. */
export function isJsonContentType(contentType: string | null): boolean {
  if (!contentType) return false;
  const type = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json');
}

/** Decodes a body: JSON for JSON content types, text otherwise, undefined when empty. */
export function decodeBody(text: string, contentType: string | null): unknown {
  if (text.length === 0) return undefined;
  return isJsonContentType(contentType) ? (JSON.parse(text) as unknown) : text;
}

/** Reads problem details from an error body, if it is a JSON object; never throws. */
export function toProblem(text: string, contentType: string | null): ProblemDetails | undefined {
  if (!isJsonContentType(contentType) || text.length === 0) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as ProblemDetails)
      : undefined;
  } catch {
    return undefined;
  }
}
