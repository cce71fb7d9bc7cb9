// What a service's configuration schema accepts, read from its source: the keys of
// services/<name>/src/config/*.config.ts plus the platform keys every schema extends
// (libs/platform/src/config/config-schema.ts) and those of the key groups it spreads in
// (`...serviceKeys.kafkaSecurity()`, `...serviceKeys.customerTokens()`), and the default PORT.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const KEY = /^\s+([A-Z][A-Z0-9_]*)\s*:/gm;

/** Upper-case object keys of a schema source (`  DATABASE_URL: z.string()…`). */
export function schemaKeys(text) {
  return new Set([...text.matchAll(KEY)].map((m) => m[1]));
}

/**
 * Where the key groups of `serviceKeys` that a schema spreads are defined, by group: a file whose
 * keys are all the group's, or (`fn`) the body of one function of a file.
 */
const KEY_GROUPS = {
  kafkaSecurity: { file: join('libs', 'platform', 'src', 'config', 'kafka-security-keys.ts') },
  customerTokens: {
    file: join('libs', 'platform', 'src', 'config', 'service-keys.ts'),
    fn: 'customerTokens',
  },
};

const SPREAD = /^\s+\.\.\.serviceKeys\.(\w+)\(\)/gm;

/**
 * The files of the key groups a schema source spreads (`  ...serviceKeys.kafkaSecurity(),`);
 * throws on a group it does not know, so a new one cannot hide its keys from the checks.
 */
export function spreadGroupFiles(text) {
  return spreadGroups(text).map((group) => KEY_GROUPS[group].file);
}

/** The key groups a schema source spreads, by name; throws on a group it does not know. */
export function spreadGroups(text) {
  return [...text.matchAll(SPREAD)].map(([, group]) => {
    if (!Object.hasOwn(KEY_GROUPS, group))
      throw new Error(`serviceKeys.${group}(): unknown key group (add it to KEY_GROUPS)`);
    return group;
  });
}

/** The keys of a key group: those of its file, or of its function's body in that file. */
export function groupKeys(root, group) {
  const { file, fn } = KEY_GROUPS[group];
  const text = readFileSync(join(root, file), 'utf8');
  if (!fn) return schemaKeys(text);
  const start = text.indexOf(`function ${fn}(`);
  if (start < 0) throw new Error(`${file}: no function ${fn} (serviceKeys.${fn}())`);
  const end = text.indexOf('\n}\n', start);
  return schemaKeys(text.slice(start, end < 0 ? undefined : end));
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
    for (const group of spreadGroups(text)) groups.add(group);
    if (file !== platform) port = defaultPort(text) ?? port;
  }
  for (const group of groups) for (const k of groupKeys(root, group)) keys.add(k);
  return { files: [platform, ...files], keys, port };
}
