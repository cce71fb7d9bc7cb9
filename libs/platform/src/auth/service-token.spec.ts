import { SignJWT } from 'jose';
import { z } from 'zod';
import { isSecret } from '../config/config-schema';
import { serviceKeys } from '../config/service-keys';
import {
  generateServiceKeyPair,
  servicePrivateKey,
  ServiceTokenInvalidError,
  ServiceTokenSigner,
  ServiceTokenVerifier,
  trustedServiceKeys,
} from './service-token';

const checkout = generateServiceKeyPair();
const intruder = generateServiceKeyPair();
const T0 = Date.parse('2026-12-05T10:00:00Z');

function signer(keys = checkout, issuer = 'checkout', now = () => T0) {
  return new ServiceTokenSigner({ issuer, key: servicePrivateKey(keys.privateKey), now });
}

function paymentVerifier(now = () => T0) {
  return new ServiceTokenVerifier({
    audience: 'payment',
    trusted: trustedServiceKeys(`checkout=${checkout.publicKey}`),
    now,
  });
}

async function rejection(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error instanceof ServiceTokenInvalidError ? error.reason : String(error);
  }
}

describe('service tokens', () => {
  it('when checkout calls payment with its token, then payment names the caller', async () => {
    // Act
    const token = await signer().tokenFor('payment');

    // Assert
    await expect(paymentVerifier().verify(token)).resolves.toBe('checkout');
  });

  it('when a token was issued for another service, then it is refused as wrong_audience', async () => {
    // Arrange
    const token = await signer().tokenFor('inventory');

    // Act / Assert
    expect(await rejection(paymentVerifier().verify(token))).toBe('wrong_audience');
  });

  it('when a token is signed by a key the callee does not trust, then bad_signature', async () => {
    // Arrange: an intruder signs as "checkout" with its own key.
    const forged = await signer(intruder).tokenFor('payment');

    // Act / Assert
    expect(await rejection(paymentVerifier().verify(forged))).toBe('bad_signature');
  });

  it('when the issuer is not trusted at all, then untrusted_issuer', async () => {
    // Arrange
    const token = await signer(intruder, 'cart').tokenFor('payment');

    // Act / Assert
    expect(await rejection(paymentVerifier().verify(token))).toBe('untrusted_issuer');
  });

  it('when the token has expired (past the 5 s tolerance), then expired, even if it was verified before', async () => {
    // Arrange
    let now = T0;
    const verifier = paymentVerifier(() => now);
    const token = await signer().tokenFor('payment');
    await verifier.verify(token);

    // Act
    now = T0 + 66_000;

    // Assert
    expect(await rejection(verifier.verify(token))).toBe('expired');
  });

  it('when the token is not a JWT, or its algorithm is not EdDSA, then malformed or refused', async () => {
    // Arrange: an HS256 token naming checkout, signed with a guessable secret.
    const hs256 = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('checkout')
      .setSubject('checkout')
      .setAudience('payment')
      .setIssuedAt(T0 / 1000)
      .setExpirationTime(T0 / 1000 + 60)
      .sign(new TextEncoder().encode('secret'));

    // Act / Assert
    expect(await rejection(paymentVerifier().verify('not-a-token'))).toBe('malformed');
    expect(await rejection(paymentVerifier().verify(hs256))).not.toBeUndefined();
  });

  it('when a caller asks again within two thirds of the lifetime, then the same token is reused; later a new one', async () => {
    // Arrange
    let now = T0;
    const tokens = signer(checkout, 'checkout', () => now);
    const first = await tokens.tokenFor('payment');

    // Act
    now = T0 + 39_000;
    const reused = await tokens.tokenFor('payment');
    now = T0 + 41_000;
    const renewed = await tokens.tokenFor('payment');

    // Assert
    expect(reused).toBe(first);
    expect(renewed).not.toBe(first);
    await expect(paymentVerifier(() => now).verify(renewed)).resolves.toBe('checkout');
  });

  it('when the key settings are wrong, then the config refuses to start naming the key', () => {
    // Arrange
    const schema = z.object({
      SERVICE_TOKEN_KEY: serviceKeys.serviceTokenKey(),
      SERVICE_TOKEN_TRUSTED_KEYS: serviceKeys.serviceTokenTrustedKeys(),
    });
    const issues = (env: Record<string, string>) =>
      schema.safeParse(env).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

    // Act / Assert
    expect(
      issues({
        SERVICE_TOKEN_KEY: checkout.privateKey,
        SERVICE_TOKEN_TRUSTED_KEYS: `checkout=${checkout.publicKey}`,
      }),
    ).toEqual([]);
    expect(issues({}).length).toBe(2);
    expect(
      issues({ SERVICE_TOKEN_KEY: checkout.publicKey, SERVICE_TOKEN_TRUSTED_KEYS: 'checkout=abc' }),
    ).toEqual([
      'SERVICE_TOKEN_KEY: is not a base64 DER key',
      'SERVICE_TOKEN_TRUSTED_KEYS: the key of checkout is not a base64 DER key',
    ]);
    expect(
      issues({
        SERVICE_TOKEN_KEY: checkout.privateKey,
        SERVICE_TOKEN_TRUSTED_KEYS: checkout.publicKey,
      })[0],
    ).toMatch(/^SERVICE_TOKEN_TRUSTED_KEYS: entry ".*" is not <service>=<base64 public key>$/);
    expect(isSecret(schema.shape.SERVICE_TOKEN_KEY)).toBe(true);
    expect(isSecret(schema.shape.SERVICE_TOKEN_TRUSTED_KEYS)).toBe(false);
  });
});
