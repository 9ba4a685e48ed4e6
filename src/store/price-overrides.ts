// What decides the prices, without the price table itself: the user's overrides (prices.json),
// the prices Anthropic publishes that the table lacks, and a fingerprint of all of it. Loading
// the table costs about 100 ms; a reader of stored costs only needs to know they are current.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configFile } from '../util/paths.js';

/** USD per million tokens. */
export interface PriceOverride {
  input: number;
  output: number;
  cache_write_5m?: number;
  cache_write_1h?: number;
  cache_read?: number;
  /** Above `threshold` input tokens (uncached + cache write + cache read) in one request, these apply instead. */
  long_context?: { threshold: number } & Omit<PriceOverride, 'long_context'>;
}

export type Overrides = Record<string, PriceOverride>;

/** The table's version and the rules around it: a change of either prices every stored response again. */
const LIBRARY = '@pydantic/genai-prices@0.1.8';
const RULES = 'rules-2';

/**
 * List prices Anthropic publishes that the table does not carry: fast mode (research preview) of
 * Opus 4.6, six times the standard rates. The user's prices.json wins over these.
 */
export const PUBLISHED: Overrides = {
  'claude-opus-4-6-fast': { input: 30, output: 150, cache_write_5m: 37.5, cache_write_1h: 60, cache_read: 3 },
};

/** prices.json beside config.json, or CLAUDE_GAUGE_PRICES. */
export function pricesFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.CLAUDE_GAUGE_PRICES ? path.resolve(env.CLAUDE_GAUGE_PRICES) : path.join(path.dirname(configFile(env)), 'prices.json');
}

export function loadOverrides(file = pricesFile()): Overrides {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  const raw = JSON.parse(text) as unknown;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${file}: expected an object of model -> prices`);
  for (const [model, p] of Object.entries(raw as Record<string, any>)) {
    if (!p || typeof p.input !== 'number' || typeof p.output !== 'number') throw new Error(`${file}: ${model} needs numeric input and output (USD per million tokens)`);
  }
  return raw as Overrides;
}

/** The prices in force: the published ones under the user's. */
export function pricesInForce(overrides: Overrides): Overrides {
  return { ...PUBLISHED, ...overrides };
}

/** Names the prices in force: stored costs made under another fingerprint are stale. */
export function pricingFingerprint(inForce: Overrides): string {
  return createHash('sha1').update(LIBRARY).update(RULES).update(JSON.stringify(inForce)).digest('hex').slice(0, 16);
}
