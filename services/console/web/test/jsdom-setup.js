// Setup of every unit test file of the console: jsdom has no crypto.randomUUID (the pages make
// Idempotency-Keys with it), so Node's Web Crypto stands in. Node tests are left as they are.
if (typeof window !== 'undefined' && typeof globalThis.crypto?.randomUUID !== 'function') {
  Object.defineProperty(globalThis, 'crypto', {
    value: require('node:crypto').webcrypto,
    configurable: true,
  });
}
