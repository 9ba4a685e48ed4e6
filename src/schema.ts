import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The published JSON Schema of /usage (schema/usage.schema.json at the package root). */
export function schemaPath(): string {
  // dist/src/schema.js -> package root
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'schema', 'usage.schema.json');
}
