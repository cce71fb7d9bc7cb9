// What a service's configuration schema accepts, read from its source: the keys of
// services/<name>/src/config/*.config.ts plus the platform keys every schema extends
// (libs/platform/src/config/config-schema.ts) and those of the key groups it spreads in
// (`...serviceKeys.kafkaSecurity()`), and the default PORT.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const KEY = /^\s+([A-Z][A-Z0-9_]*)\s*:/gm;

/** Upper-case object keys of a schema source (`  DATABASE_URL: z.string()…`). */
export function schemaKeys(text) {
  return new Set([...text.matchAll(KEY)].map((m) => m[1]));
}

/** The files defining the key groups of `serviceKeys` that a schema spreads, by group. */
const KEY_GROUPS = {
  kafkaSecurity: join('libs', 'platform', 'src', 'config', 'kafka-security-keys.ts'),
};

const SPREAD = /^\s+\.\.\.serviceKeys\.(\w+)\(\)/gm;

/**
 * The files of the key groups a schema source spreads (`  ...serviceKeys.kafkaSecurity(),`);
 * throws on a group it does not know, so a new one cannot hide its keys from the checks.
 */
export function spreadGroupFiles(text) {
  return [...text.matchAll(SPREAD)].map(([, group]) => {
    const file = KEY_GROUPS[group];
    if (!file) throw new Error(`serviceKeys.${group}(): unknown key group (add it to KEY_GROUPS)`);
    return file;
  });
}

/** The default of the PORT key in a schema source (`PORT: int(0).max(65535).default(3000)`). */
export function defaultPort(text) {
  const m = /^\s+PORT\s*:[^\n]*?\.default\((\d[\d_]*)\)/m.exec(text);
  return m ? Number(m[1].replace(/_/g, '')) : undefined;
}

/**
 * The config schema of services/<name>, or undefined when it has none.
 * @returns {{files: string[], keys: Set<string>, port?: number} | undefined}
 */
export function serviceConfig(root, name) {
  const dir = join(root, 'services', name, 'src', 'config');
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.config.ts'))
    .map((f) => join('services', name, 'src', 'config', f));
  if (files.length === 0) return undefined;
  const platform = join('libs', 'platform', 'src', 'config', 'config-schema.ts');
  const keys = new Set();
  let port;
  const groups = new Set();
  for (const file of [platform, ...files]) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const k of schemaKeys(text)) keys.add(k);
    for (const group of spreadGroupFiles(text)) groups.add(group);
    if (file !== platform) port = defaultPort(text) ?? port;
  }
  for (const group of groups)
    for (const k of schemaKeys(readFileSync(join(root, group), 'utf8'))) keys.add(k);
  return { files: [platform, ...files], keys, port };
}
