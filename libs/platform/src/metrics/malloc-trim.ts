import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * glibc's `malloc_trim(0)`: gives the free pages of the allocator's heaps back to the system;
 * true when it returned any.
 */
export type MallocTrim = () => boolean;

/**
 * Where the addon is: beside a service's bundle, which runs this code from
 * `services/<name>/dist/bundle/main.js` (scripts/build/bundle-service.mjs copies it to
 * `dist/bundle/native/`); then where the lib's build puts it
 * (libs/platform/scripts/build-native.mjs): `dist/native/`, seen from the compiled
 * `dist/metrics/` and from the sources (`src/metrics/`, as the tests run them).
 */
export const MALLOC_TRIM_ADDON_PATHS: readonly string[] = [
  join(__dirname, 'native', 'malloc-trim.node'),
  join(__dirname, '..', 'native', 'malloc-trim.node'),
  join(__dirname, '..', '..', 'dist', 'native', 'malloc-trim.node'),
];

/**
 * The `malloc_trim` binding when its addon was built for this machine (Linux with glibc and a C
 * compiler at build time); `undefined` otherwise — not built, or it does not load here — and the
 * caller does without: the service only keeps its allocator's free pages resident.
 *
 * Why Node.js needs it: glibc returns memory freed in the middle of a heap only when
 * `malloc_trim` asks, and Node.js never does. After a load, a service's allocator kept up to
 * 11 MiB of free pages resident at rest (docs/PERFORMANCE.md, twenty-second round).
 */
export function loadMallocTrim(
  paths: readonly string[] = MALLOC_TRIM_ADDON_PATHS,
): MallocTrim | undefined {
  const path = paths.find((p) => existsSync(p));
  if (!path) return undefined;
  try {
    // A native addon can only be loaded by require.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const addon = require(path) as { mallocTrim?: unknown };
    return typeof addon.mallocTrim === 'function' ? (addon.mallocTrim as MallocTrim) : undefined;
  } catch {
    return undefined; // built for another machine or Node-API version
  }
}
