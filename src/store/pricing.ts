// Cost of one response: the price table of @pydantic/genai-prices (cache writes 5 m / 1 h, cache
// reads, long-context tiers, dated price changes), overridden per model by the user's prices.json.
// A model nobody has a price for costs null (unknown), never $0.
import { createRequire } from 'node:module';
import { loadOverrides, pricesFile, pricesInForce, pricingFingerprint, type Overrides, type PriceOverride } from './price-overrides.js';
import { RateBook, type Rates } from './rate-book.js';

export { loadOverrides, pricesFile, type Overrides, type PriceOverride } from './price-overrides.js';

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

const DAY_MS = 86_400_000;
/** Anthropic's long-context prices start above 200k input tokens per request; below, prices are linear. */
const LINEAR_UP_TO = 200_000;
const PROBE = 100_000;

export interface PricerOptions {
  /** Where the table's rates are kept between runs (rate-book.ts); none: asked of the table each run. */
  rateBook?: string;
}

/** The user's prices over the table; a prices.json that does not read falls back to the table alone, and says why. */
export function loadPricer(file = pricesFile(), onProblem?: (message: string) => void, o: PricerOptions = {}): Pricer {
  try {
    return new Pricer(loadOverrides(file), o);
  } catch (err) {
    onProblem?.(`prices: ${(err as Error).message}; using the price table alone`);
    return new Pricer({}, o);
  }
}

export class Pricer {
  readonly fingerprint: string;
  private readonly overrides: Overrides;
  private readonly book: RateBook;
  constructor(overrides: Overrides = {}, o: PricerOptions = {}) {
    this.overrides = pricesInForce(overrides);
    this.fingerprint = pricingFingerprint(this.overrides);
    this.book = new RateBook(this.fingerprint, o.rateBook ?? null);
  }

  /** Keeps the rates learned this run for the next (a no-op without a rate book or anything new). */
  saveRates(): Promise<void> {
    return this.book.save();
  }

  price(u: PricedUsage): Price {
    if (u.synthetic) return { cost: 0, saved: 0 }; // a local placeholder: nothing was billed
    const o = this.override(u.model);
    if (o) return fromOverride(o, u);
    // Fast mode is billed at a premium the table does not know; the table would match the base model.
    if (u.model.endsWith('-fast')) return { cost: null, saved: null };
    // Below the tier both the request and its uncached twin (same total input) are linear: the
    // cached rates answer both, without two table look-ups per response (the history's first build
    // prices every response it reads).
    if (u.input + u.cache5m + u.cache1h + u.cacheRead <= LINEAR_UP_TO) {
      const r = this.rates(u.model, u.at);
      if (!r) return { cost: null, saved: null };
      return { cost: linearCost(u, r), saved: Math.max(0, u.cacheRead * (r.input - r.cacheRead)) };
    }
    const cost = tableCost(u.model, u, u.cacheRead, 0);
    if (cost === null) return { cost: null, saved: null };
    // The saving: the same request with its cache reads billed as plain input.
    const uncached = tableCost(u.model, u, 0, u.cacheRead);
    return { cost, saved: uncached === null ? null : Math.max(0, uncached - cost) };
  }

  /**
   * The cost alone, for many responses at a time (live figures, `blocks`): below the long-context
   * tier the table's price is linear in each kind of token, so its rates are asked once per model
   * and day and the rest is arithmetic; a request above the tier asks the table itself.
   */
  cost(u: PricedUsage): number | null {
    if (u.synthetic) return 0;
    const o = this.override(u.model);
    if (o) return fromOverride(o, u).cost;
    if (u.model.endsWith('-fast')) return null;
    if (u.input + u.cache5m + u.cache1h + u.cacheRead > LINEAR_UP_TO) return tableCost(u.model, u, u.cacheRead, 0);
    const r = this.rates(u.model, u.at);
    return r ? linearCost(u, r) : null;
  }

  private rates(model: string, at: number): Rates | null {
    // A table lookup costs a tenth of a millisecond; per model and day, a history of months asked thousands.
    // Models whose price the table does not date (most): their rates hold on every day.
    const always = this.book.undated.get(model);
    if (always !== undefined) return always;
    const day = Math.floor(at / DAY_MS) * DAY_MS;
    const key = `${model}|${day}`;
    let r = this.book.dated.get(key);
    if (r !== undefined) return r;
    // One probe per kind of token, each well below the tier, at noon of that day (prices change by the day).
    const probe = (p: Partial<PricedUsage>) => tableCost(model, { model, at: day + DAY_MS / 2, input: 0, output: 0, cache5m: 0, cache1h: 0, cacheRead: 0, ...p }, p.cacheRead ?? 0, 0);
    const per = (p: Partial<PricedUsage>) => {
      const c = probe(p);
      return c === null ? null : c / PROBE;
    };
    const input = per({ input: PROBE });
    const output = per({ output: PROBE });
    const cache5m = per({ cache5m: PROBE });
    const cache1h = per({ cache1h: PROBE });
    const cacheRead = per({ cacheRead: PROBE });
    r = input === null || output === null || cache5m === null || cache1h === null || cacheRead === null ? null : { input, output, cache5m, cache1h, cacheRead };
    if (datedPrices(model, day)) this.book.learn('dated', key, r);
    else this.book.learn('undated', model, r);
    return r;
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

type PriceTable = typeof import('@pydantic/genai-prices');
let loaded: PriceTable | null = null;
/** The table, loaded at its first use (synchronously: prices are asked inside the engine's fold). */
function table(): PriceTable {
  return (loaded ??= createRequire(import.meta.url)('@pydantic/genai-prices') as PriceTable);
}

function linearCost(u: PricedUsage, r: Rates): number {
  return u.input * r.input + u.output * r.output + u.cache5m * r.cache5m + u.cache1h * r.cache1h + u.cacheRead * r.cacheRead;
}

/** Whether the table's price for `model` changes with the date (an unknown model is unknown on every date). */
function datedPrices(model: string, at: number): boolean {
  const r = table().calcPrice({ input_tokens: PROBE }, model, { providerId: 'anthropic', timestamp: new Date(at) });
  return r !== null && Array.isArray(r.model.prices);
}

function tableCost(model: string, u: PricedUsage, cacheRead: number, extraInput: number): number | null {
  const total = u.input + extraInput + u.cache5m + u.cache1h + cacheRead;
  const r = table().calcPrice(
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
