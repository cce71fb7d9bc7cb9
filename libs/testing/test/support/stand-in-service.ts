import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway repository root holding one stand-in service, `services/<name>/dist/main.js` =
 * `mainJs`, named by its package.json's `main` (a real process started the way the platform's
 * services are). `remove()` deletes it.
 */
export function standInServiceRoot(
  name: string,
  mainJs: string,
): { root: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), `stand-in-${name}-`));
  mkdirSync(join(root, 'services', name, 'dist'), { recursive: true });
  writeFileSync(join(root, 'services', name, 'dist', 'main.js'), mainJs);
  writeFileSync(
    join(root, 'services', name, 'package.json'),
    JSON.stringify({ name: `stand-in-${name}`, main: './dist/main.js' }),
  );
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
