import { existsSync, readFileSync } from 'node:fs';
import { AppError } from '@rc/platform';

/** One customer the storefront and the load control can act as: its id and bearer token. */
export interface CustomerCredential {
  customerId: string;
  token: string;
}

/** The console's credentials: its customers (in order) and the services' admin token, if any. */
export interface ConsoleCredentials {
  customers: CustomerCredential[];
  adminToken?: string;
}

/** A customer id as the platform accepts it (the token's `sub`). */
const CUSTOMER_ID = /^[A-Za-z0-9._@-]{1,64}$/;

/** What the problems say to do when the console has no customers. */
export const NO_CREDENTIALS_HINT =
  'run npm start (it writes .dev/credentials.json) or set CONSOLE_CREDENTIALS_FILE or CONSOLE_CUSTOMER_TOKENS';

/** The console has no customer credentials at all: 503, saying how to give it some. */
export class NoCustomerCredentialsError extends AppError {
  readonly code = 'CONSOLE.NO_CUSTOMER_CREDENTIALS';
  readonly httpStatus = 503;
  constructor() {
    super(`The console has no customer credentials: ${NO_CREDENTIALS_HINT}.`);
  }
}

/** The page named a customer the console has no token for (or none): 400. */
export class UnknownCustomerError extends AppError {
  readonly code = 'CONSOLE.UNKNOWN_CUSTOMER';
  readonly httpStatus = 400;
  constructor(customerId: string | undefined, known: readonly string[]) {
    super(
      customerId
        ? `"${customerId.slice(0, 64)}" is not one of the console's customers: choose one of ${known.join(', ')}.`
        : `Choose a customer first (x-customer-id): one of ${known.join(', ')}.`,
      { meta: { customers: known } },
    );
  }
}

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
 * The customers the console acts as, tokens kept here and never sent to the page: the page
 * names a customer by id, the BFF puts its token on the call.
 */
export class CustomerDirectory {
  private next = 0;

  constructor(
    private readonly credentials: ConsoleCredentials,
    /** Where they came from, for the logs (never the tokens). */
    readonly source: string,
  ) {}

  /** The customer ids, in order (the first is the page's default). */
  ids(): string[] {
    return this.credentials.customers.map((c) => c.customerId);
  }

  /** The services' admin token the console holds, if any. */
  get adminToken(): string | undefined {
    return this.credentials.adminToken;
  }

  /**
   * The token of `customerId`.
   * @throws NoCustomerCredentialsError without customers, UnknownCustomerError for another id
   */
  tokenOf(customerId: string | undefined): string {
    const customers = this.credentials.customers;
    if (customers.length === 0) throw new NoCustomerCredentialsError();
    const found = customers.find((c) => c.customerId === customerId);
    if (!found) throw new UnknownCustomerError(customerId, this.ids());
    return found.token;
  }

  /** The customers in turn, one per call (the load control). @throws NoCustomerCredentialsError */
  nextCustomer(): CustomerCredential {
    const customers = this.credentials.customers;
    if (customers.length === 0) throw new NoCustomerCredentialsError();
    return customers[this.next++ % customers.length]!;
  }

  /** Throws NoCustomerCredentialsError when there are no customers. */
  requireCustomers(): void {
    if (this.credentials.customers.length === 0) throw new NoCustomerCredentialsError();
  }
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
