// Cost of one response: the price table of @pydantic/genai-prices (cache writes 5 m / 1 h, cache
// reads, long-context tiers, dated price changes), overridden per model by the user's prices.json.
// A model nobody has a price for costs null (unknown), never $0.
import { calcPrice } from '@pydantic/genai-prices';
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

export interface PricedUsage {
  model: string;
  at: number;
  input: number;
  output: number;
  cache5m: number;
  cache1h: number;
  cacheRead: number;
  synthetic?: boolean;
}

export interface Price {
  /** USD, null when the model is unknown. */
  cost: number | null;
  /** USD the cache reads saved against paying full input price for them. */
  saved: number | null;
}

const LIBRARY = '@pydantic/genai-prices@0.1.8';

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

export class Pricer {
  readonly fingerprint: string;
  constructor(private readonly overrides: Overrides = {}) {
    this.fingerprint = createHash('sha1').update(LIBRARY).update(JSON.stringify(overrides)).digest('hex').slice(0, 16);
  }

  price(u: PricedUsage): Price {
    if (u.synthetic) return { cost: 0, saved: 0 }; // a local placeholder: nothing was billed
    const o = this.override(u.model);
    if (o) return fromOverride(o, u);
    // Fast mode is billed at a premium the table does not know; the table would match the base model.
    if (u.model.endsWith('-fast')) return { cost: null, saved: null };
    const cost = tableCost(u.model, u, u.cacheRead, 0);
    if (cost === null) return { cost: null, saved: null };
    // The saving: the same request with its cache reads billed as plain input.
    const uncached = tableCost(u.model, u, 0, u.cacheRead);
    return { cost, saved: uncached === null ? null : Math.max(0, uncached - cost) };
  }

  private override(model: string): PriceOverride | null {
    if (this.overrides[model]) return this.overrides[model];
    let best: string | null = null;
    for (const k of Object.keys(this.overrides)) {
      if (k.endsWith('*') && model.startsWith(k.slice(0, -1)) && (!best || k.length > best.length)) best = k;
    }
    return best ? this.overrides[best] : null;
  }
}

function tableCost(model: string, u: PricedUsage, cacheRead: number, extraInput: number): number | null {
  const total = u.input + extraInput + u.cache5m + u.cache1h + cacheRead;
  const r = calcPrice(
    {
      input_tokens: total, // the library takes the total and the cache parts as partitions of it
      cache_read_tokens: cacheRead,
      cache_write_tokens: u.cache5m + u.cache1h,
      cache_write_1h_tokens: u.cache1h,
      output_tokens: u.output,
    },
    model,
    { providerId: 'anthropic', timestamp: new Date(u.at) },
  );
  return r ? r.total_price : null;
}

function fromOverride(o: PriceOverride, u: PricedUsage): Price {
  const total = u.input + u.cache5m + u.cache1h + u.cacheRead;
  const p = o.long_context && total > o.long_context.threshold ? o.long_context : o;
  const w5 = p.cache_write_5m ?? p.input * 1.25;
  const w1 = p.cache_write_1h ?? p.input * 2;
  const rd = p.cache_read ?? p.input * 0.1;
  const cost = (u.input * p.input + u.cache5m * w5 + u.cache1h * w1 + u.cacheRead * rd + u.output * p.output) / 1e6;
  return { cost, saved: (u.cacheRead * (p.input - rd)) / 1e6 };
}
