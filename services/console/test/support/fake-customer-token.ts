/**
 * A JWT-shaped customer token naming `customerId` (unsigned: the console only reads `sub` and
 * passes tokens on; the services verify them, and the stub does not).
 */
export function fakeCustomerToken(customerId: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signature = Buffer.from(`signature-of-${customerId}-${Math.random()}`).toString(
    'base64url',
  );
  return `${part({ alg: 'EdDSA', typ: 'JWT' })}.${part({ sub: customerId })}.${signature}`;
}
