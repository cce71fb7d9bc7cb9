/**
 * The toxics of the fault proxy, with toxiproxy's names, fields and units, so `toxiproxy-cli`,
 * `toxiproxy-node-client` or a real toxiproxy drive the same experiments:
 * - `latency` {latency, jitter} ms added to every chunk;
 * - `bandwidth` {rate} KB/s (1 KB = 1000 bytes);
 * - `slow_close` {delay} ms before a close is passed on;
 * - `timeout` {timeout} ms: nothing passes, then the connection is closed; 0 = never closed,
 *   data held until the toxic is removed (a blackhole: a partition);
 * - `reset_peer` {timeout} ms, then the connection is reset (RST);
 * - `slicer` {average_size, size_variation} bytes, {delay} µs between slices;
 * - `limit_data` {bytes}: the connection is closed once that many bytes went through.
 * A proxy that is "down" is a proxy with `enabled: false` (see FaultProxy).
 */
export const TOXIC_TYPES = [
  'latency',
  'bandwidth',
  'slow_close',
  'timeout',
  'reset_peer',
  'slicer',
  'limit_data',
] as const;

/** One of {@link TOXIC_TYPES}. */
export type ToxicType = (typeof TOXIC_TYPES)[number];

/** Direction a toxic acts on: `upstream` = client → server, `downstream` = server → client. */
export type ToxicStream = 'upstream' | 'downstream';

/** A toxic as the toxiproxy API shows it. */
export interface Toxic {
  name: string;
  type: ToxicType;
  stream: ToxicStream;
  /** Chance (0..1) that the toxic applies to a given connection. */
  toxicity: number;
  attributes: Record<string, number>;
}

const ATTRIBUTE_DEFAULTS: Record<ToxicType, Record<string, number>> = {
  latency: { latency: 0, jitter: 0 },
  bandwidth: { rate: 0 },
  slow_close: { delay: 0 },
  timeout: { timeout: 0 },
  reset_peer: { timeout: 0 },
  slicer: { average_size: 0, size_variation: 0, delay: 0 },
  limit_data: { bytes: 0 },
};

/** A refused API request: the HTTP status and a message naming the field. */
export class ProxyApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ProxyApiError';
  }
}

/**
 * Validates a toxic from the API (`{name?, type, stream?, toxicity?, attributes?}`), filling
 * toxiproxy's defaults: stream `downstream`, toxicity 1, name `<type>_<stream>`, and every
 * attribute of the type (0 when absent).
 * @throws ProxyApiError (400) naming the bad field
 */
export function parseToxic(input: unknown, existing?: Toxic): Toxic {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new ProxyApiError(400, 'toxic: expected a JSON object');
  const body = input as Record<string, unknown>;
  const type = body.type ?? existing?.type;
  if (typeof type !== 'string' || !(TOXIC_TYPES as readonly string[]).includes(type))
    throw new ProxyApiError(400, `type: must be one of ${TOXIC_TYPES.join(', ')}`);
  const stream = body.stream ?? existing?.stream ?? 'downstream';
  if (stream !== 'upstream' && stream !== 'downstream')
    throw new ProxyApiError(400, 'stream: must be upstream or downstream');
  const toxicity = body.toxicity ?? existing?.toxicity ?? 1;
  if (typeof toxicity !== 'number' || !(toxicity >= 0 && toxicity <= 1))
    throw new ProxyApiError(400, 'toxicity: must be a number in [0, 1]');
  const name = body.name ?? existing?.name ?? `${type}_${stream}`;
  if (typeof name !== 'string' || name.length === 0 || name.length > 100)
    throw new ProxyApiError(400, 'name: must be a non-empty string');
  const defaults = ATTRIBUTE_DEFAULTS[type as ToxicType];
  const given = body.attributes ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    throw new ProxyApiError(400, 'attributes: expected an object');
  const attributes: Record<string, number> = { ...defaults, ...existing?.attributes };
  for (const [key, value] of Object.entries(given as Record<string, unknown>)) {
    if (!(key in defaults))
      throw new ProxyApiError(
        400,
        `attributes.${key}: not an attribute of ${type} (${Object.keys(defaults).join(', ')})`,
      );
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      throw new ProxyApiError(400, `attributes.${key}: must be a number >= 0`);
    attributes[key] = value;
  }
  return { name, type: type as ToxicType, stream, toxicity, attributes };
}
