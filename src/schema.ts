import { packageFile } from './util/package-files.js';

/** The published JSON Schema of /usage (schema/usage.schema.json at the package root). */
export function schemaPath(): string {
  return packageFile('schema', 'usage.schema.json');
}
