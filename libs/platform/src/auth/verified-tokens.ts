/**
 * Tokens already verified, each with what it names (a customer id, a calling service) until it
 * expires: a verifier checks a token's signature once, then answers its repeats from here. At
 * most `maxRemembered` are kept; when full, everything is forgotten at once (the next request
 * of each holder pays one signature check again), which bounds memory without the bookkeeping
 * of an LRU on the hot path. Only verified tokens belong here: a refused one is never
 * remembered, so a forged token costs its signature check every time.
 */
export class VerifiedTokens<Subject> {
  private readonly entries = new Map<
    string,
    { readonly subject: Subject; readonly expiresAt: number }
  >();

  constructor(private readonly maxRemembered: number) {}

  /** What `token` names while it is valid at `now` (ms), else undefined (an expired one is forgotten). */
  get(token: string, now: number): Subject | undefined {
    const known = this.entries.get(token);
    if (known === undefined) return undefined;
    if (now < known.expiresAt) return known.subject;
    this.entries.delete(token);
    return undefined;
  }

  /** Remembers a verified `token` naming `subject` until `expiresAt` (ms). */
  remember(token: string, subject: Subject, expiresAt: number): void {
    if (this.entries.size >= this.maxRemembered) this.entries.clear();
    this.entries.set(token, { subject, expiresAt });
  }

  /** How many tokens are remembered now. */
  get size(): number {
    return this.entries.size;
  }
}
