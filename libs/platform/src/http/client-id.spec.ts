import type { FastifyRequest } from 'fastify';
import { clientIdOf } from './client-id';

const request = (headers: Record<string, string | string[]>) =>
  ({ headers }) as unknown as FastifyRequest;

describe('clientIdOf', () => {
  it('when no x-client-id is sent, then the caller is anonymous', () => {
    expect(clientIdOf(request({}))).toBe('anonymous');
  });

  it('when a plain id is sent, then it is used as is', () => {
    expect(clientIdOf(request({ 'x-client-id': 'checkout' }))).toBe('checkout');
  });

  it('when the id is long or has odd characters, then a stable hash stands in for it', () => {
    const odd = clientIdOf(request({ 'x-client-id': 'a b:c' }));

    expect(odd).toMatch(/^h:[0-9a-f]{32}$/);
    expect(clientIdOf(request({ 'x-client-id': 'a b:c' }))).toBe(odd);
    expect(clientIdOf(request({ 'x-client-id': 'x'.repeat(129) }))).toMatch(/^h:/);
    expect(clientIdOf(request({ 'x-client-id': 'shop@eu-1' }))).toBe('shop@eu-1');
  });
});
