import { parseArgs } from 'node:util';

/** What `npm run redrive -- <dlq-topic> [--limit N]` asks for. */
export interface RedriveArgs {
  topic: string;
  limit?: number;
}

/** Usage line printed on bad arguments. */
export const REDRIVE_USAGE =
  'usage: npm run redrive -w services/analytics -- <dlq-topic> [--limit N]   (e.g. orders.dlq --limit 50)';

/** Parses the CLI arguments, or throws an Error whose message says what is wrong. */
export function parseRedriveArgs(argv: readonly string[]): RedriveArgs {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { limit: { type: 'string', short: 'n' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new Error('exactly one dead-letter topic is expected');
  const topic = positionals[0]!;
  if (values.limit === undefined) return { topic };
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new Error('--limit must be a positive integer');
  return { topic, limit };
}
