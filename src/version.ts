import { readFileSync } from 'node:fs';
import { packageFile } from './paths.js';

export const VERSION: string = (() => {
  try {
    return JSON.parse(readFileSync(packageFile('package.json'), 'utf8')).version;
  } catch {
    return '0.0.0';
  }
})();
