// The virtual cluster's files (web/), read once at start and served from memory. Only files
// that exist there at start can be asked for, so no path from a request ever reaches the disk.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { packageFile } from '../../util/package-files.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};

export interface StaticFile {
  body: Buffer;
  type: string;
}

/** web/ at the package root. */
export function webRoot(): string {
  return packageFile('web');
}

export function loadStatic(root = webRoot()): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (dir: string, prefix: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full, `${prefix}${name}/`);
      else {
        const type = TYPES[path.extname(name)];
        if (type) files.set(`/${prefix}${name}`, { body: readFileSync(full), type });
      }
    }
  };
  walk(root, '');
  const index = files.get('/index.html');
  if (index) files.set('/', index);
  return files;
}
