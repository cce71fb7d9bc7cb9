import { HmacTokenFingerprinter } from './hmac-token.fingerprinter';

describe('HmacTokenFingerprinter', () => {
  it('when a token is fingerprinted, then the result is a stable 64-hex HMAC that depends on the secret', () => {
    const a = new HmacTokenFingerprinter('secret-number-one-0123');
    const b = new HmacTokenFingerprinter('secret-number-two-0123');

    const fp = a.fingerprint('tok_visa');

    expect(fp).toMatch(/^[0-9a-f]{64}$/);
    expect(a.fingerprint('tok_visa')).toBe(fp);
    expect(b.fingerprint('tok_visa')).not.toBe(fp);
    expect(a.fingerprint('tok_visb')).not.toBe(fp);
  });

  it('when the secret is short, then construction is refused', () => {
    expect(() => new HmacTokenFingerprinter('short')).toThrow(RangeError);
  });
});
