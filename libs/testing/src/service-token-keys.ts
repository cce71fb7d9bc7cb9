import { generateKeyPairSync } from 'node:crypto';

/**
 * A fresh Ed25519 key pair, in the form the services' config takes (base64 DER: PKCS#8 for the
 * signer's `SERVICE_TOKEN_KEY`, SPKI for `SERVICE_TOKEN_TRUSTED_KEYS` and
 * `CUSTOMER_TOKEN_PUBLIC_KEYS`): checkout's service-token key, or the identity provider's key
 * that signs customer tokens. Every platform run generates its own, so no key is ever committed.
 */
export function testServiceKeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

type KeyPair = { privateKey: string; publicKey: string };

/**
 * The service-token settings of each service for the key pairs of the two callers: checkout
 * (signs for inventory and payment) and inventory (signs its order reads at checkout).
 */
export function serviceTokenEnv(checkout: KeyPair, inventory: KeyPair = testServiceKeyPair()) {
  const trustCheckout = `checkout=${checkout.publicKey}`;
  return {
    checkout: {
      SERVICE_TOKEN_KEY: checkout.privateKey,
      SERVICE_TOKEN_TRUSTED_KEYS: `inventory=${inventory.publicKey}`,
    },
    payment: { SERVICE_TOKEN_TRUSTED_KEYS: trustCheckout },
    inventory: {
      SERVICE_TOKEN_KEY: inventory.privateKey,
      SERVICE_TOKEN_TRUSTED_KEYS: trustCheckout,
    },
  } as const;
}

/** The customer-token settings of the services that sign customers in, for provider key `publicKey`. */
export function customerTokenEnv(publicKey: string) {
  const keys = { CUSTOMER_TOKEN_PUBLIC_KEYS: publicKey };
  return { checkout: keys, cart: keys } as const;
}
