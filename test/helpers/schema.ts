import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { schemaPath } from '../../src/schema.js';

const ajv = new Ajv2020({ allErrors: true, strict: true, validateFormats: false });
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath(), 'utf8')));

/** Throws with every violation listed when `payload` does not match the published /usage schema. */
export function assertUsageSchema(payload: unknown): void {
  if (!validate(payload)) throw new Error(`payload violates schema/usage.schema.json: ${ajv.errorsText(validate.errors)}`);
}
