import fc from 'fast-check';

/**
 * fast-check arbitraries for hostile HTTP inputs: odd path segments, query strings, headers and
 * raw bodies (wrong types, deep and huge JSON, unicode with lone surrogates, duplicated and
 * prototype keys, bytes that are not JSON or not UTF-8). Every value is already on the wire form
 * (encoded path, raw query, header pairs, body bytes), so a duplicated key or a broken escape
 * reaches the service exactly as generated.
 */

/** One request as sent: path and query already encoded, headers as ordered pairs. */
export interface FuzzRequest {
  path: string;
  query: string;
  headers: [string, string][];
  body?: Buffer;
}

const LONE_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff', '\ud83d'];

/** Strings that are likely to upset a parser, a validator or a SQL layer. */
const ODD_STRINGS = [
  '',
  ' ',
  '.',
  '..',
  '__proto__',
  'constructor',
  'prototype',
  'null',
  'undefined',
  '-1',
  '0',
  '1e309',
  'NaN',
  "' OR 1=1 --",
  '"; DROP TABLE orders; --',
  '\u0000',
  '\u202e\u0041',
  '\ufeff',
  '%00',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '😀'.repeat(40),
];

/** Any string: unicode, lone surrogates, control characters, odd constants, very long. */
export const oddString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 2, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.string({ maxLength: 10 }),
        fc.constantFrom(...LONE_SURROGATES),
        fc.string({ maxLength: 10 }),
      )
      .map(([a, s, b]) => a + s + b),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 65, maxLength: 300 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 6_000 }).map((n) => 'a'.repeat(n)) },
);

/**
 * URI-encodes text. A lone surrogate (which `encodeURIComponent` refuses) becomes its raw UTF-8
 * bytes `%ED%A0%80` where `malformed` allows, else U+FFFD as a browser would send it.
 */
function encode(text: string, malformed: boolean, maxLength = Infinity): string {
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    const lone = ch.length === 1 && c >= 0xd800 && c <= 0xdfff;
    const next = lone ? (malformed ? '%ED%A0%80' : '%EF%BF%BD') : encodeURIComponent(ch);
    if (out.length + next.length > maxLength) break;
    out += next;
  }
  return out;
}

/** Escapes that decode to no valid UTF-8, or not at all. */
const MALFORMED_ESCAPES = ['%', '%E0%A4%A', '%C0%AF', '%FF', '%ED%A0%80', 'a%00b%zz'];

/**
 * A path segment on the wire: encoded odd strings (unicode, traversal, NUL), malformed
 * percent-escapes and segments far past the router's 100-character parameter limit. Those two
 * are refused by Fastify's router before any route runs (400 HTTP.BAD_URL, 414
 * HTTP.URI_TOO_LONG): the services' bootstrap maps Fastify's framework errors to problem+json.
 */
export const oddSegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: oddString.map((s) => encode(s, true, 100)) },
  { weight: 1, arbitrary: fc.constantFrom('..%2F..%2Fadmin', '%2e%2e', ';x=1', 'a%00b', '%2F') },
  { weight: 1, arbitrary: fc.constantFrom(...MALFORMED_ESCAPES) },
  { weight: 1, arbitrary: fc.integer({ min: 101, max: 2_000 }).map((n) => 'a'.repeat(n)) },
  { weight: 1, arbitrary: fc.uuid().map((u) => u.toUpperCase()) },
);

/** A query value on the wire: everything a path segment gets, plus malformed escapes. */
const oddQueryValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: oddString.map((s) => encode(s, true)) },
  { weight: 1, arbitrary: fc.constantFrom(...MALFORMED_ESCAPES, '', '1,2,,', '-5', ',,,') },
  { weight: 1, arbitrary: fc.uuid() },
);

const QUERY_KEYS = [
  'orderId',
  'skus',
  'limit',
  'from',
  'to',
  'since',
  '__proto__',
  'orderId[]',
  'skus[0]',
  'a[b][c]',
  '',
];

/**
 * A raw query string: known and odd keys, odd values, duplicated keys, broken escapes. At most
 * 3 000 characters: the request line counts against Node's 16 KiB header limit (see headers).
 */
export const oddQuery: fc.Arbitrary<string> = fc
  .array(fc.tuple(fc.constantFrom(...QUERY_KEYS), oddQueryValue), {
    maxLength: 6,
  })
  .map((pairs) =>
    pairs.length === 0
      ? ''
      : `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&')}`,
  )
  .filter((query) => query.length <= 3_000);

/** A header value Node's client can send: visible ASCII and latin-1, tabs and spaces, up to 8 KB. */
const headerValue: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      maxLength: 200,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.string({
      unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
      minLength: 1,
      maxLength: 60,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', ' ', '\t', '0', '-1', '1e9', 'NaN', 'null', '__proto__'),
  },
  { weight: 1, arbitrary: fc.integer({ min: 129, max: 8_000 }).map((n) => 'k'.repeat(n)) },
);

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/JSON',
  'application/json; charset=latin1',
  'application/problem+json',
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  '*/*',
  'json',
];

/**
 * Headers: an Idempotency-Key (missing, odd, huge, duplicated), an x-client-id, a request
 * timeout, a content type (mostly JSON, so the body reaches the parser) and a junk header.
 */
export function oddHeaders(withBody: boolean): fc.Arbitrary<[string, string][]> {
  return (
    fc
      .record({
        // mostly a valid key, so that most requests get past the idempotency check to the body
        key: fc.oneof(
          { weight: 1, arbitrary: fc.constant(undefined) },
          { weight: 5, arbitrary: fc.uuid() },
          { weight: 2, arbitrary: headerValue },
          { weight: 1, arbitrary: fc.tuple(fc.uuid(), fc.uuid()) },
        ),
        client: fc.option(headerValue),
        // a budget of a few ms is spent before the handler answers: 504 by design (a deadline
        // propagated as spent), so budgets are malformed (400) or at least 5 s
        // (and rare: a malformed one is refused before anything else is looked at)
        timeout: fc.oneof(
          { weight: 6, arbitrary: fc.constant(null) },
          {
            weight: 1,
            arbitrary: fc.oneof(
              headerValue.filter((v) => !/^\d{1,15}$/.test(v) || Number(v) >= 5_000),
              fc.integer({ min: 5_000, max: 1e9 }).map(String),
              fc.integer({ min: -1e9, max: -1 }).map(String),
            ),
          },
        ),
        type: withBody
          ? fc.oneof(
              { weight: 6, arbitrary: fc.constant('application/json') },
              { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
              { weight: 1, arbitrary: headerValue },
            )
          : fc.constant(undefined),
        junk: fc.option(
          fc.tuple(
            fc.constantFrom(
              'x-forwarded-for',
              'accept',
              'x-http-method-override',
              'traceparent',
              'accept-encoding',
            ),
            headerValue,
          ),
        ),
      })
      .map(({ key, client, timeout, type, junk }) => {
        const out: [string, string][] = [];
        if (Array.isArray(key)) out.push(['idempotency-key', key[0]], ['idempotency-key', key[1]]);
        else if (key !== undefined) out.push(['idempotency-key', key]);
        if (client !== null) out.push(['x-client-id', client]);
        if (timeout !== null) out.push(['x-request-timeout-ms', timeout]);
        if (type !== undefined) out.push(['content-type', type]);
        if (junk !== null) out.push(junk);
        return out;
      })
      // within Node's 16 KiB header limit: past it Node answers 431 itself (reported, left out)
      .filter((out) => out.reduce((n, [k, v]) => n + k.length + v.length + 4, 0) <= 12_000)
  );
}
