import { z } from 'zod';
import { UnknownPolicyError } from './policy.errors';
import { DEPENDENCY_NAME, policyConfigSchema, type PolicyConfigInput } from './policy.config';
import { ResilienceConfigError, parseConfig } from './resilience-config.error';
import { ResiliencePolicy, type PolicyDeps } from './resilience-policy';

/** Configuration of a {@link PolicyRegistry}: shared defaults plus one entry per dependency. */
export interface PolicyRegistryConfig {
  /** Overrides of the library defaults applied to every dependency. */
  defaults?: PolicyConfigInput;
  /** One policy per dependency name; each value overrides `defaults` key by key. */
  dependencies: Record<string, PolicyConfigInput>;
}

const registryShape = z.strictObject({
  defaults: z.record(z.string(), z.unknown()).optional(),
  dependencies: z.record(z.string(), z.unknown()),
});

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Deep merge of two config inputs. An object carrying a `type` discriminator (the breaker
 * window) replaces the default wholesale instead of being merged: mixing a count window's keys
 * into a time window would make an invalid object.
 */
function merge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override) || 'type' in override)
    return override ?? base;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override))
    out[key] = value === undefined ? base[key] : merge(base[key], value);
  return out;
}

/**
 * The named policies of a service, like resilience4j instances: built once from configuration,
 * validated up front (every bad key reported with its full path, e.g.
 * `dependencies.payment.retry.maxAttempts: Too big: expected number to be <=10`), then looked
 * up by dependency name. Each policy owns its breaker, bulkhead and retry budget, so one
 * dependency's trouble never spends another's capacity.
 */
export class PolicyRegistry {
  private constructor(private readonly policies: ReadonlyMap<string, ResiliencePolicy>) {}

  /**
   * Validates `config` and builds every policy.
   * @throws ResilienceConfigError naming every invalid key
   */
  static fromConfig(config: unknown, deps: PolicyDeps = {}): PolicyRegistry {
    const shape = parseConfig(registryShape, config, '');
    const issues: string[] = [];
    const collect = (fn: () => void): boolean => {
      try {
        fn();
        return true;
      } catch (error) {
        if (!(error instanceof ResilienceConfigError)) throw error;
        issues.push(...error.issues);
        return false;
      }
    };
    // With broken defaults, check each dependency's own overrides alone, so that every problem
    // is reported once, under the key where it was written.
    const defaultsValid = collect(() =>
      parseConfig(policyConfigSchema, shape.defaults ?? {}, 'defaults'),
    );
    const defaults = defaultsValid ? (shape.defaults ?? {}) : {};
    const policies = new Map<string, ResiliencePolicy>();
    for (const [name, override] of Object.entries(shape.dependencies)) {
      if (!DEPENDENCY_NAME.test(name)) {
        issues.push(
          `dependencies.${name}: must be a lower-case identifier (a-z, 0-9, _ or -; starts with a letter)`,
        );
        continue;
      }
      collect(() => {
        const merged = merge(defaults, override ?? {});
        const parsed = parseConfig(policyConfigSchema, merged, `dependencies.${name}`);
        policies.set(name, new ResiliencePolicy(name, parsed, deps));
      });
    }
    if (issues.length > 0) throw new ResilienceConfigError(issues);
    return new PolicyRegistry(policies);
  }

  /**
   * The policy of dependency `name`.
   * @throws UnknownPolicyError when it is not configured (a typo must not silently get defaults)
   */
  get(name: string): ResiliencePolicy {
    const policy = this.policies.get(name);
    if (!policy) throw new UnknownPolicyError(name, [...this.policies.keys()]);
    return policy;
  }

  /** Whether dependency `name` has a policy. */
  has(name: string): boolean {
    return this.policies.has(name);
  }

  /** Configured dependency names. */
  names(): string[] {
    return [...this.policies.keys()];
  }
}
