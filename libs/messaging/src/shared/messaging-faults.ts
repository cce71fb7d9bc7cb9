/** Where a fault hook acts: the relay's send (`publish`) or a consumer's handling (`consume`). */
export type MessagingFaultTarget = 'publish' | 'consume';

/**
 * The fault-injection hook the outbox relay and the consumers take, optionally: @rc/resilience's
 * `FaultInjector` is one (its `publish` and `consume` rules, named by topic). A port rather than
 * the class, so this lib does not depend on the toolkit's fault injection and tests can pass a
 * stub.
 *
 * Callers ask `isActive` first and call `injectMessaging` only when it says yes: the check must
 * cost one lookup and no allocation, because it runs for every batch and every message.
 */
export interface MessagingFaults {
  /** Whether any enabled rule exists for `target`. */
  isActive(target: MessagingFaultTarget): boolean;
  /**
   * Applies the rules matching `topic`: waits for latency (ended early by `signal`), throws for
   * an error or a dropped connection (transient unless the rule says a 4xx status).
   */
  injectMessaging(target: MessagingFaultTarget, topic: string, signal?: AbortSignal): Promise<void>;
}
