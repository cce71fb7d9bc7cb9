/**
 * The idempotency keys this process is running a request for, with that request's fingerprint.
 * The key store (Postgres, shared by every replica) stays the authority; this local copy lets a
 * duplicate that arrives while the original runs here be answered `409 in flight` before it
 * takes a load-shedding permit — a duplicate costs almost nothing to answer, and shedding it
 * (503) would break the contract that every answer to a key is the original's or a 409.
 */
export class LocalInFlightKeys {
  private readonly fingerprints = new Map<string, string>();
  /** How many entries hold each bare key (any scope): lets a caller without a scope ask. */
  private readonly bareKeys = new Map<string, number>();

  /** Marks `key` of `scope` as running here with `fingerprint`; the returned function unmarks it. */
  add(scope: string, key: string, fingerprint: string): () => void {
    const id = entryId(scope, key);
    if (this.fingerprints.has(id)) return () => undefined;
    this.fingerprints.set(id, fingerprint);
    this.bareKeys.set(key, (this.bareKeys.get(key) ?? 0) + 1);
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.fingerprints.delete(id);
      const left = (this.bareKeys.get(key) ?? 1) - 1;
      if (left > 0) this.bareKeys.set(key, left);
      else this.bareKeys.delete(key);
    };
  }

  /** The fingerprint of the request running here under `key` of `scope`, if one is. */
  fingerprintOf(scope: string, key: string): string | undefined {
    return this.fingerprints.get(entryId(scope, key));
  }

  /** Whether a request runs here under `key`, in any scope (the scope may need the body). */
  hasKey(key: string): boolean {
    return this.bareKeys.has(key);
  }

  get size(): number {
    return this.fingerprints.size;
  }
}

const entryId = (scope: string, key: string) => `${scope}\u0000${key}`;
