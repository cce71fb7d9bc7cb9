import { createHmac } from 'node:crypto';
import type { TokenFingerprinter } from '../domain/payment-provider.port';

/**
 * HMAC-SHA256 of the card token with a service secret (hex). Unlike a plain hash, a leaked
 * database does not let anyone test guesses of tokens without the secret as well.
 */
export class HmacTokenFingerprinter implements TokenFingerprinter {
  constructor(private readonly secret: string) {
    if (secret.length < 16)
      throw new RangeError('token fingerprint secret must be >= 16 characters');
  }

  fingerprint(token: string): string {
    return createHmac('sha256', this.secret).update(token, 'utf8').digest('hex');
  }
}
