import { readFileSync } from 'node:fs';
import { packageFile } from './util/package-files.js';

export const VERSION: string = (() => {
  try {
    return JSON.parse(readFileSync(packageFile('package.json'), 'utf8')).version;
  } catch {
    return '0.0.0';
  }
})();
