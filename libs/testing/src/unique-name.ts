import { randomBytes } from 'node:crypto';

/**
 * A name no other test run uses (topics, keys, schemas), so tests that share one broker or
 * database never see each other's data: `<prefix>-<time base36>-<6 random hex>`.
 */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}
