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
