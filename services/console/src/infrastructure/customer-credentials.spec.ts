import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeCustomerToken } from '../../test/support/fake-customer-token';
import { NoCustomerCredentialsError, UnknownCustomerError } from '../domain/customer-directory';
import {
  customerDirectory,
  parseCustomerTokens,
  readCredentialsFile,
} from './customer-credentials';

describe('customer credentials', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rc-console-credentials-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const a = fakeCustomerToken('customer-a1');
  const b = fakeCustomerToken('customer-b2');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('when CONSOLE_CUSTOMER_TOKENS is a JSON array or a comma list of tokens, then each names its customer', () => {
    expect(parseCustomerTokens(JSON.stringify([{ customerId: 'customer-a1', token: a }]))).toEqual([
      { customerId: 'customer-a1', token: a },
    ]);
    expect(parseCustomerTokens(` ${a} , ${b} `)).toEqual([
      { customerId: 'customer-a1', token: a },
      { customerId: 'customer-b2', token: b },
    ]);
    expect(parseCustomerTokens('')).toEqual([]);
  });

  it.each([
    ['[{"customerId":"a"', 'is not valid JSON'],
    ['[]', 'non-empty array'],
    ['[{"customerId":"a b","token":"x.y.z"}]', 'customerId'],
    ['[{"customerId":"a","token":"opaque"}]', 'must be a JWT'],
    ['not-a-jwt', 'not a JWT'],
  ])('when CONSOLE_CUSTOMER_TOKENS is %s, then it is refused saying %s', (value, message) => {
    expect(() => parseCustomerTokens(value)).toThrow(message);
  });

  it('when the credentials file is absent, then there is none; when malformed, then the error names the file and never a token', () => {
    const secretish = file('bad.json', `{"customers":[{"customerId":"x","token":"${a}"`);
    const noCustomers = file(
      'empty.json',
      '{"customers":[],"adminToken":"long-enough-admin-token"}',
    );

    expect(readCredentialsFile(join(dir, 'missing.json'))).toBeUndefined();
    expect(() => readCredentialsFile(secretish)).toThrow(/bad\.json is not readable JSON/);
    expect(() => readCredentialsFile(secretish)).not.toThrow(a.split('.')[2]);
    expect(() => readCredentialsFile(noCustomers)).toThrow(/empty\.json: "customers"/);
  });

  it('when tokens come from both, then CONSOLE_CUSTOMER_TOKENS wins for customers and ADMIN_TOKEN for the admin token, the file filling in what is not set', () => {
    const path = file(
      'credentials.json',
      JSON.stringify({
        customers: [{ customerId: 'customer-a1', token: a }],
        adminToken: 'the-files-admin-token',
        expiresAt: '2099-01-01T00:00:00.000Z',
      }),
    );
    const fromFile = customerDirectory({
      CONSOLE_CREDENTIALS_FILE: path,
      CONSOLE_CUSTOMER_TOKENS: '',
      ADMIN_TOKEN: '',
    });
    const fromEnv = customerDirectory({
      CONSOLE_CREDENTIALS_FILE: path,
      CONSOLE_CUSTOMER_TOKENS: b,
      ADMIN_TOKEN: 'an-explicit-admin-token',
    });

    expect([fromFile.ids(), fromFile.adminToken, fromFile.source]).toEqual([
      ['customer-a1'],
      'the-files-admin-token',
      path,
    ]);
    expect([fromEnv.ids(), fromEnv.adminToken]).toEqual([
      ['customer-b2'],
      'an-explicit-admin-token',
    ]);
    expect(fromEnv.tokenOf('customer-b2')).toBe(b);
    expect(() => fromEnv.tokenOf('customer-a1')).toThrow(UnknownCustomerError);
  });

  it('when there are no credentials at all, then asking for a token says how to get some', () => {
    const none = customerDirectory({
      CONSOLE_CREDENTIALS_FILE: join(dir, 'missing.json'),
      CONSOLE_CUSTOMER_TOKENS: '',
      ADMIN_TOKEN: '',
    });

    expect(none.ids()).toEqual([]);
    expect(() => none.tokenOf('customer-a1')).toThrow(NoCustomerCredentialsError);
    expect(() => none.nextCustomer()).toThrow(/run npm start .*CONSOLE_CUSTOMER_TOKENS/);
  });
});
