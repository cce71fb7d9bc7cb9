import { existsSync, readFileSync } from 'node:fs';
import {
  type ConsoleCredentials,
  type CustomerCredential,
  CustomerDirectory,
} from '../domain/customer-directory';

/** A customer id as the platform accepts it (the token's `sub`). */
const CUSTOMER_ID = /^[A-Za-z0-9._@-]{1,64}$/;

/** The customer id a token names (its `sub`), read without verifying it: the services verify. */
export function customerIdOfToken(token: string): string {
  const payload = token.split('.')[1];
  if (token.split('.').length !== 3 || !payload) throw new Error('a token is not a JWT');
  let sub: unknown;
  try {
    sub = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown }).sub;
  } catch {
    throw new Error('a token is not a JWT');
  }
  if (typeof sub !== 'string' || !CUSTOMER_ID.test(sub))
    throw new Error('a token names no customer');
  return sub;
}

/** `{customerId, token}` objects, checked; the first problem as an Error. */
function customersOf(value: unknown): CustomerCredential[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new Error('"customers" must be a non-empty array of {customerId, token}');
  const seen = new Set<string>();
  return value.map((c: unknown, i) => {
    const { customerId, token } = (c ?? {}) as { customerId?: unknown; token?: unknown };
    if (typeof customerId !== 'string' || !CUSTOMER_ID.test(customerId))
      throw new Error(`customers[${i}].customerId must be 1-64 letters, digits or . _ @ -`);
    if (typeof token !== 'string' || token.split('.').length !== 3)
      throw new Error(`customers[${i}].token must be a JWT`);
    if (seen.has(customerId)) throw new Error(`customers[${i}]: "${customerId}" appears twice`);
    seen.add(customerId);
    return { customerId, token };
  });
}

/**
 * `CONSOLE_CUSTOMER_TOKENS`: a JSON array of `{customerId, token}`, or a comma list of tokens
 * (each customer is its token's `sub`); empty: none. Throws an Error saying what is wrong —
 * never quoting a token.
 */
export function parseCustomerTokens(value: string): CustomerCredential[] {
  const text = value.trim();
  if (text === '') return [];
  if (text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error('is not valid JSON');
    }
    return customersOf(parsed);
  }
  const tokens = text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return customersOf(tokens.map((token) => ({ customerId: customerIdOfToken(token), token })));
}

/**
 * The credentials file (`.dev/credentials.json`: `{customers: [{customerId, token}…],
 * adminToken?, expiresAt?}`), or undefined when there is none. Throws an Error saying what is
 * wrong with a file that is there but malformed.
 */
export function readCredentialsFile(path: string): ConsoleCredentials | undefined {
  if (!path || !existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path} is not readable JSON (${e instanceof Error ? e.name : 'error'})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`${path} must hold a JSON object`);
  const { customers, adminToken } = parsed as { customers?: unknown; adminToken?: unknown };
  let list: CustomerCredential[];
  try {
    list = customersOf(customers);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
  if (adminToken !== undefined && (typeof adminToken !== 'string' || adminToken.length < 16))
    throw new Error(`${path}: "adminToken" must be a string of at least 16 characters`);
  return { customers: list, ...(adminToken ? { adminToken } : {}) };
}

/**
 * The console's credentials from its configuration: customers from `CONSOLE_CUSTOMER_TOKENS`
 * when set, else from the credentials file; the admin token from `ADMIN_TOKEN` when set, else
 * the file's `adminToken`. The keys were checked when the configuration was loaded.
 */
export function customerDirectory(config: {
  CONSOLE_CUSTOMER_TOKENS: string;
  CONSOLE_CREDENTIALS_FILE: string;
  ADMIN_TOKEN: string;
}): CustomerDirectory {
  const file = readCredentialsFile(config.CONSOLE_CREDENTIALS_FILE);
  const fromEnv = parseCustomerTokens(config.CONSOLE_CUSTOMER_TOKENS);
  const customers = fromEnv.length > 0 ? fromEnv : (file?.customers ?? []);
  const adminToken = config.ADMIN_TOKEN || file?.adminToken;
  const source =
    fromEnv.length > 0
      ? 'CONSOLE_CUSTOMER_TOKENS'
      : file
        ? config.CONSOLE_CREDENTIALS_FILE
        : 'none';
  return new CustomerDirectory({ customers, ...(adminToken ? { adminToken } : {}) }, source);
}
