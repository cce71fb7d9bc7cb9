import { generateKeyPairSync } from 'node:crypto';

/**
 * A fresh Ed25519 key pair for checkout's service tokens, in the form the services' config
 * takes (base64 DER: PKCS#8 for `SERVICE_TOKEN_KEY`, SPKI for `SERVICE_TOKEN_TRUSTED_KEYS`).
 * Every platform run generates its own, so no key is ever committed.
 */
export function testServiceKeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

/** The service-token settings of each service for checkout's key pair `keys`. */
export function serviceTokenEnv(keys: { privateKey: string; publicKey: string }) {
  const trusted = { SERVICE_TOKEN_TRUSTED_KEYS: `checkout=${keys.publicKey}` };
  return {
    checkout: { SERVICE_TOKEN_KEY: keys.privateKey },
    payment: trusted,
    inventory: trusted,
  } as const;
}
