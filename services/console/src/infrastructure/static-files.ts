import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import type { FrontEndFiles, StaticFile } from '../domain/front-end-files.port';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The built front end (a few hundred KiB), read into memory once at start-up: serving it costs
 * no disk access and no extra dependency. `/index.html` is the app shell for every page route.
 */
export class StaticFiles implements FrontEndFiles {
  private readonly files = new Map<string, StaticFile>();

  constructor(readonly dir: string) {
    if (existsSync(dir)) this.load(dir);
  }

  /** The file at a URL path (`/assets/index-abc.js`), or undefined. */
  get(path: string): StaticFile | undefined {
    return this.files.get(path);
  }

  /** The app shell, or undefined when the front end was not built. */
  get shell(): StaticFile | undefined {
    return this.files.get('/index.html');
  }

  private load(dir: string): void {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        this.load(path);
        continue;
      }
      const url = `/${relative(this.dir, path).split('\\').join('/')}`;
      this.files.set(url, {
        type: TYPES[extname(name)] ?? 'application/octet-stream',
        body: readFileSync(path),
      });
    }
  }
}
