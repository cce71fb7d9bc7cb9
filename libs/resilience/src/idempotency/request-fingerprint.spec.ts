import { canonicalJson, requestFingerprint } from './request-fingerprint';

describe('canonicalJson', () => {
  it('when objects differ only in key order at any depth, then the text is identical', () => {
    // Arrange
    const a = { b: 1, a: { y: [1, { q: 2, p: 1 }], x: 'x' } };
    const b = { a: { x: 'x', y: [1, { p: 1, q: 2 }] }, b: 1 };

    // Act + Assert
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"x":"x","y":[1,{"p":1,"q":2}]},"b":1}');
  });

  it('when values need JSON rules, then undefined members drop, dates use toJSON and array order is kept', () => {
    // Act
    const text = canonicalJson({
      u: undefined,
      d: new Date('2026-01-02T03:04:05.000Z'),
      l: [3, undefined, 1],
    });

    // Assert
    expect(text).toBe('{"d":"2026-01-02T03:04:05.000Z","l":[3,null,1]}');
  });
});

describe('requestFingerprint', () => {
  const base = {
    method: 'POST',
    path: '/v1/checkout',
    body: { items: [{ sku: 'A', qty: 1 }], currency: 'EUR' },
  };

  it('when the same request is sent again with keys reordered and method in lower case, then the fingerprint is the same', () => {
    // Act
    const first = requestFingerprint(base);
    const again = requestFingerprint({
      method: 'post',
      path: '/v1/checkout',
      body: { currency: 'EUR', items: [{ qty: 1, sku: 'A' }] },
    });

    // Assert
    expect(again).toBe(first);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
  });

  it('when method, path or any body value differs, then the fingerprint differs', () => {
    // Act
    const prints = new Set([
      requestFingerprint(base),
      requestFingerprint({ ...base, method: 'PUT' }),
      requestFingerprint({ ...base, path: '/v1/checkout?dry=1' }),
      requestFingerprint({ ...base, body: { ...base.body, currency: 'USD' } }),
      requestFingerprint({ ...base, body: { items: [{ sku: 'A', qty: 2 }], currency: 'EUR' } }),
      requestFingerprint({ ...base, body: undefined }),
    ]);

    // Assert
    expect(prints.size).toBe(6);
  });

  it('when the body is raw bytes, then the bytes are hashed as they are', () => {
    // Act
    const fromBuffer = requestFingerprint({
      method: 'POST',
      path: '/upload',
      body: Buffer.from('abc'),
    });
    const fromString = requestFingerprint({ method: 'POST', path: '/upload', body: 'abc' });

    // Assert
    expect(fromBuffer).toBe(fromString);
  });

  it('when a key is given, then the fingerprint is an HMAC: stable per key, and a plain hash of the body cannot be matched', () => {
    const input = {
      method: 'POST',
      path: '/v1/payments',
      body: { token: 'tok_visa', amount: 100 },
    };

    const keyed = requestFingerprint(input, 'k1-0123456789abcdef');

    expect(requestFingerprint(input, 'k1-0123456789abcdef')).toBe(keyed);
    expect(requestFingerprint(input, 'k2-0123456789abcdef')).not.toBe(keyed);
    expect(requestFingerprint(input)).not.toBe(keyed);
  });
});
