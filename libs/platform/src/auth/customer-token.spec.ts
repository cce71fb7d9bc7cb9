import type { ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { SignJWT } from 'jose';
import { z } from 'zod';
import { serviceKeys } from '../config/service-keys';
import { clientIdOf } from '../http/client-id';
import { CustomerAuthGuard } from './customer-auth.guard';
import {
  CredentialsRequiredError,
  customerKeyId,
  CustomerTokenInvalidError,
  CustomerTokenIssuer,
  customerTokenKeys,
  CustomerTokenVerifier,
} from './customer-token';
import { generateServiceKeyPair, servicePrivateKey } from './service-token';

const provider = generateServiceKeyPair();
const nextProvider = generateServiceKeyPair();
const T0 = Date.parse('2026-12-05T10:00:00Z');
const claims = { issuer: 'rc-identity', audience: 'rc-platform' };

function issuer(keys = provider, over: Partial<typeof claims> = {}) {
  return new CustomerTokenIssuer({
    ...claims,
    ...over,
    key: servicePrivateKey(keys.privateKey),
    publicKey: keys.publicKey,
  });
}

function verifier(keys = provider.publicKey, now = () => T0) {
  return new CustomerTokenVerifier({ ...claims, keys: customerTokenKeys(keys), now });
}

async function rejection(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error instanceof CustomerTokenInvalidError ? error.reason : String(error);
  }
}

function fakeRequest(headers: Record<string, string>, ip = '10.0.0.7'): FastifyRequest {
  return { headers, ip } as unknown as FastifyRequest;
}

function contextOf(request: FastifyRequest): ExecutionContext {
  return {
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

describe('customer tokens', () => {
  it('when a customer presents a token the provider signed, then the customer id is answered', async () => {
    const token = await issuer().issue('alice', 3600, T0);
    await expect(verifier().verify(token)).resolves.toBe('alice');
  });

  it('when a token is forged, expired, for another audience or issuer, then each is refused with its reason', async () => {
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA', kid: customerKeyId(provider.publicKey) })
      .setIssuer('rc-identity')
      .setAudience('rc-platform')
      .setSubject('mallory')
      .setExpirationTime(Math.floor(T0 / 1000) + 60)
      .sign(servicePrivateKey(nextProvider.privateKey));
    const expired = await issuer().issue('alice', 60, T0 - 3_600_000);
    const otherAudience = await issuer(provider, { audience: 'elsewhere' }).issue('alice', 60, T0);
    const otherIssuer = await issuer(provider, { issuer: 'someone' }).issue('alice', 60, T0);
    const unknownKey = await issuer(nextProvider).issue('alice', 60, T0);
    const v = verifier();
    expect(await rejection(v.verify(forged))).toBe('bad_signature');
    expect(await rejection(v.verify(expired))).toBe('expired');
    expect(await rejection(v.verify(otherAudience))).toBe('wrong_audience');
    expect(await rejection(v.verify(otherIssuer))).toBe('wrong_issuer');
    expect(await rejection(v.verify(unknownKey))).toBe('unknown_key');
    expect(await rejection(v.verify('not-a-token'))).toBe('malformed');
  });

  it('when the provider rotates its key, then tokens of both keys verify while both are listed', async () => {
    const both = verifier(`${provider.publicKey},${nextProvider.publicKey}`);
    await expect(both.verify(await issuer().issue('alice', 60, T0))).resolves.toBe('alice');
    await expect(both.verify(await issuer(nextProvider).issue('bob', 60, T0))).resolves.toBe('bob');
  });

  it('when a remembered token expires, then it is refused again', async () => {
    let now = T0;
    const v = verifier(provider.publicKey, () => now);
    const token = await issuer().issue('alice', 60, T0);
    await expect(v.verify(token)).resolves.toBe('alice');
    now = T0 + 120_000;
    expect(await rejection(v.verify(token))).toBe('expired');
  });

  it('when an id would be ambiguous in a scope, then the provider refuses to name it', async () => {
    await expect(issuer().issue('a:b', 60, T0)).rejects.toThrow(/customer id/);
  });

  it('when the key list is empty or not a key, then the config refuses it', () => {
    const schema = z.object(serviceKeys.customerTokens());
    expect(schema.safeParse({ CUSTOMER_TOKEN_PUBLIC_KEYS: provider.publicKey }).success).toBe(true);
    expect(schema.safeParse({ CUSTOMER_TOKEN_PUBLIC_KEYS: 'bm9wZQ==' }).success).toBe(false);
    expect(schema.safeParse({}).success).toBe(false);
  });
});

describe('clientIdOf: the caller, never a header it chose', () => {
  it('when a customer is signed in, then the bucket is the customer, whatever x-client-id says', async () => {
    const token = await issuer().issue('alice', 3600, Date.now());
    const request = fakeRequest({ authorization: `Bearer ${token}`, 'x-client-id': 'rotated-1' });
    await new CustomerAuthGuard(verifier(provider.publicKey, Date.now)).canActivate(
      contextOf(request),
    );
    expect(clientIdOf(request)).toBe('customer:alice');
  });

  it('when nobody is signed in, then the bucket is the client address', () => {
    expect(clientIdOf(fakeRequest({ 'x-client-id': 'rotated-2' }))).toBe('ip:10.0.0.7');
  });

  it('when a customer route is called without a bearer token, then it is refused before anything runs', async () => {
    await expect(
      new CustomerAuthGuard(verifier()).canActivate(contextOf(fakeRequest({}))),
    ).rejects.toBeInstanceOf(CredentialsRequiredError);
  });
});
