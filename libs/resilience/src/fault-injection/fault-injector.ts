import { type Span, trace } from '@opentelemetry/api';
import { type Registry, register as defaultRegistry } from 'prom-client';
import { type Clock, systemClock } from '../clock';
import { counter } from '../metrics';
import { RESILIENCE_EVENTS } from '../tracing/resilience-events';
import { corruptValue } from './corrupt-value';
import { HeapBallast } from './heap-ballast';
import { DestructiveFaultsRefusedError, InjectedFaultError } from './fault-injection.errors';
import {
  DESTRUCTIVE_FAULT_KINDS,
  type FaultRule,
  type FaultTarget,
  matchesName,
  type MessagingFaultTarget,
  parseFaultRules,
} from './fault-rule';

/** Configuration of a {@link FaultInjector}. Everything is optional: no rules = no faults. */
export interface FaultInjectorOptions {
  /** Rules at start-up (validated; invalid rules refuse to start). Default none. */
  rules?: unknown;
  /** Source of randomness for probabilities, latency ranges and corruption. Default `Math.random`. */
  random?: () => number;
  clock?: Clock;
  registry?: Registry;
  /**
   * Accept rules of the destructive kinds (`cpu`, `exit`), which act on the whole process.
   * Default false: such rules are refused ({@link DestructiveFaultsRefusedError}).
   */
  allowDestructive?: boolean;
  /** Ends the process for `exit` faults. Default `process.exit`. */
  terminate?: (exitCode: number) => void;
  /** Blocks the thread for `cpu` faults. Default: a busy loop on `performance.now()`. */
  burnCpu?: (ms: number) => void;
  /** The span to mark with a `fault_injected` event. Default: the active OpenTelemetry span. */
  activeSpan?: () => Span | undefined;
}

/** What the caller must still do after {@link FaultInjector.inject} returned. */
export interface FaultEffects {
  /** Drop the connection (inbound: destroy the socket; outbound: a reset was thrown instead). */
  abort: boolean;
  /** Corrupt the response body. */
  corrupt: boolean;
  /** Id of the rule that asked for the abort. */
  abortedBy?: string;
}

const NONE: FaultEffects = Object.freeze({ abort: false, corrupt: false });

function busyLoop(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // Burning CPU on purpose: this is the fault.
  }
}

/**
 * Chaos engineering in-process (after Polly's Simmy and toxiproxy): rules target inbound routes,
 * outbound dependencies or Kafka topics (publish, consume) and fire with a probability. Off by default (no rules); rules come
 * from config at start-up and can be replaced at runtime (`setRules`, `clear`) through the
 * token-protected admin API. Every injected fault is counted in
 * `resilience_faults_injected_total{target,name,kind}` (name = the rule's name pattern, a
 * bounded label) and marked on the active span as a `fault_injected` event.
 */
export class FaultInjector {
  private rules: readonly FaultRule[] = [];
  /** Targets with at least one enabled rule: `isActive` is one lookup, whatever the rules. */
  private activeTargets: ReadonlySet<FaultTarget> = new Set();
  private readonly random: () => number;
  private readonly allowDestructive: boolean;
  private readonly clock: Clock;
  private readonly terminate: (exitCode: number) => void;
  private readonly burnCpu: (ms: number) => void;
  private readonly activeSpan: () => Span | undefined;
  private readonly injected;
  /** What `memory` rules retained: released when the rules are replaced or cleared. */
  private readonly ballast = new HeapBallast();

  constructor(options: FaultInjectorOptions = {}) {
    this.random = options.random ?? Math.random;
    this.allowDestructive = options.allowDestructive ?? false;
    this.clock = options.clock ?? systemClock;
    this.terminate = options.terminate ?? ((code) => process.exit(code));
    this.burnCpu = options.burnCpu ?? busyLoop;
    this.activeSpan = options.activeSpan ?? (() => trace.getActiveSpan());
    this.injected = counter(options.registry ?? defaultRegistry, {
      name: 'resilience_faults_injected_total',
      help: 'Faults injected on purpose, by target (route|dependency|publish|consume), rule name pattern and kind.',
      labelNames: ['target', 'name', 'kind'] as const,
    });
    if (options.rules !== undefined) this.setRules(options.rules);
  }

  /**
   * Replaces every rule after validating them all.
   * @throws FaultRulesInvalidError
   * @throws DestructiveFaultsRefusedError for `cpu`/`exit` rules unless `allowDestructive`
   */
  setRules(input: unknown): FaultRule[] {
    const rules = parseFaultRules(input);
    const destructive = rules.filter((r) => DESTRUCTIVE_FAULT_KINDS.has(r.fault.kind));
    if (destructive.length > 0 && !this.allowDestructive)
      throw new DestructiveFaultsRefusedError(destructive.map((r) => r.id));
    this.rules = Object.freeze(rules);
    this.activeTargets = new Set(rules.filter((r) => r.enabled).map((r) => r.target));
    this.ballast.release();
    return this.getRules();
  }

  /** A copy of the current rules. */
  getRules(): FaultRule[] {
    return structuredClone([...this.rules]);
  }

  /** Removes every rule: no more faults, and what `memory` rules retained is let go. */
  clear(): void {
    this.rules = [];
    this.activeTargets = new Set();
    this.ballast.release();
  }

  /** KiB the `memory` rules hold now (about; 0 once the rules are replaced or cleared). */
  get retainedKib(): number {
    return this.ballast.retainedKib;
  }

  /**
   * Whether any enabled rule exists for `target`: one set lookup, no allocation. Hot paths
   * (every request, every Kafka message) call it before anything else.
   */
  isActive(target: FaultTarget): boolean {
    return this.activeTargets.has(target);
  }

  /**
   * Rolls every enabled rule matching `name` and applies the ones that fire, in rule order:
   * latency waits (abortable by `signal`), CPU burns, `memory` retains more heap, `exit`
   * terminates the process, `error`
   * throws {@link InjectedFaultError}; `abort` and `corrupt` are returned for the caller to
   * carry out (it alone holds the socket / the response). Stops after the first abort.
   */
  async inject(target: FaultTarget, name: string, signal?: AbortSignal): Promise<FaultEffects> {
    if (!this.isActive(target)) return NONE;
    const effects: FaultEffects = { abort: false, corrupt: false };
    for (const rule of this.rules) {
      if (!rule.enabled || rule.target !== target || !matchesName(rule.name, name)) continue;
      if (!(this.random() < rule.probability)) continue;
      this.record(rule, name);
      const fault = rule.fault;
      switch (fault.kind) {
        case 'latency':
          await this.clock.sleep(this.latencyOf(fault), signal);
          break;
        case 'cpu':
          this.burnCpu(fault.durationMs);
          break;
        case 'memory':
          this.ballast.retain(fault.kib, fault.maxMib);
          break;
        case 'exit':
          this.terminate(fault.exitCode ?? 1);
          break;
        case 'error':
          throw new InjectedFaultError(rule.id, target, fault);
        case 'corrupt':
          effects.corrupt = true;
          break;
        case 'abort':
          effects.abort = true;
          effects.abortedBy = rule.id;
          return effects;
      }
    }
    return effects;
  }

  /**
   * Wraps an outbound call to `dependency` so the dependency rules apply to it: faults before
   * the call (latency, error, reset — the real call is then not made), corruption of its result.
   * When the first argument carries an AbortSignal (`{ signal }`, as the resilience policy's
   * attempt context does), injected latency ends when the attempt is abandoned.
   * Wrap inside the policy (`policy.execute(injector.wrapOutbound('payment', call))`) so
   * retries, breaker and timeouts see the faults as they would see real ones.
   */
  wrapOutbound<A extends unknown[], R>(
    dependency: string,
    fn: (...args: A) => Promise<R>,
  ): (...args: A) => Promise<R> {
    return async (...args: A): Promise<R> => {
      if (!this.isActive('dependency')) return fn(...args);
      const effects = await this.inject('dependency', dependency, signalOf(args[0]));
      if (effects.abort) {
        throw new InjectedFaultError(effects.abortedBy ?? 'unknown', 'dependency', {
          kind: 'abort',
        });
      }
      const result = await fn(...args);
      return effects.corrupt ? (this.corrupt(result) as R) : result;
    };
  }

  /**
   * Applies the `publish` or `consume` rules matching `topic` before a Kafka send or a handling:
   * latency waits (abortable by `signal`), `error` and `abort` throw {@link InjectedFaultError}
   * (transient for 5xx, 408, 429 and resets), so the relay backs off and retries, and a
   * consumer retries and then dead-letters, as they would after a real broker or handler error.
   * Callers check {@link isActive} first so a quiet injector costs nothing per message.
   */
  async injectMessaging(
    target: MessagingFaultTarget,
    topic: string,
    signal?: AbortSignal,
  ): Promise<void> {
    const effects = await this.inject(target, topic, signal);
    if (effects.abort) {
      throw new InjectedFaultError(effects.abortedBy ?? 'unknown', target, { kind: 'abort' });
    }
  }

  /** Corrupts a value with this injector's randomness (see {@link corruptValue}). */
  corrupt(value: unknown): unknown {
    return corruptValue(value, this.random);
  }

  private latencyOf(fault: { ms?: number; minMs?: number; maxMs?: number }): number {
    if (fault.ms !== undefined) return fault.ms;
    const min = fault.minMs ?? 0;
    return min + Math.floor(this.random() * ((fault.maxMs ?? min) - min + 1));
  }

  private record(rule: FaultRule, name: string): void {
    this.injected.inc({ target: rule.target, name: rule.name, kind: rule.fault.kind });
    this.activeSpan()?.addEvent(RESILIENCE_EVENTS.faultInjected, {
      'fault.rule_id': rule.id,
      'fault.kind': rule.fault.kind,
      'fault.target': rule.target,
      'fault.name': name,
    });
  }
}

function signalOf(arg: unknown): AbortSignal | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const signal = (arg as { signal?: unknown }).signal;
  return signal instanceof AbortSignal ? signal : undefined;
}
