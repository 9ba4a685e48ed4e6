// Cost of one response: the price table of @pydantic/genai-prices (cache writes 5 m / 1 h, cache
// reads, long-context tiers, dated price changes), overridden per model by the user's prices.json.
// A model nobody has a price for costs null (unknown), never $0.
import { createRequire } from 'node:module';
import { loadOverrides, pricesFile, pricesInForce, pricingFingerprint, type Overrides, type PriceOverride } from './price-overrides.js';
import { RateBook, type RateCard, type Rates } from './rate-book.js';

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
  /** Each model's override (or none), found once: every response asks, and a wildcard search walks all of them. */
  private readonly overrideOf = new Map<string, PriceOverride | null>();
  constructor(overrides: Overrides = {}, o: PricerOptions = {}) {
    this.overrides = pricesInForce(overrides);
    this.fingerprint = pricingFingerprint(this.overrides);
    this.book = new RateBook(this.fingerprint, o.rateBook ?? null);
  }

  /**
   * Keeps the rates learned this run for the next (a no-op without a rate book or anything new).
   * Never rejects: the rates only spare the next run the table, so a book that cannot be written
   * (a read-only or full state folder) is told to `onProblem` and nothing else changes.
   */
  async saveRates(onProblem?: (problem: string) => void): Promise<void> {
    try {
      await this.book.save();
    } catch (err) {
      onProblem?.(`prices: cannot keep the rates for the next run (${(err as Error).message})`);
    }
  }

  price(u: PricedUsage): Price {
    if (u.synthetic) return { cost: 0, saved: 0 }; // a local placeholder: nothing was billed
    const o = this.override(u.model);
    if (o) return fromOverride(o, u);
    // Fast mode is billed at a premium the table does not know; the table would match the base model.
    if (u.model.endsWith('-fast')) return { cost: null, saved: null };
    // The table bills a whole request at the rates of the tier its total input falls in (Anthropic's
    // long-context prices start above 200k), so within a tier a price is linear: the rates kept per
    // model and day answer every request and its uncached twin (the same total input), without two
    // table look-ups per response (the history's first build prices every response it reads).
    const r = this.ratesAt(u);
    if (!r) return { cost: null, saved: null };
    return { cost: linearCost(u, r), saved: Math.max(0, u.cacheRead * (r.input - r.cacheRead)) };
  }

  /** The cost alone, for many responses at a time (live figures, `blocks`); see price(). */
  cost(u: PricedUsage): number | null {
    if (u.synthetic) return 0;
    const o = this.override(u.model);
    if (o) return fromOverride(o, u).cost;
    if (u.model.endsWith('-fast')) return null;
    const r = this.ratesAt(u);
    return r ? linearCost(u, r) : null;
  }

  /** The rates of the tier a request's total input falls in (the table: above a start, its price). */
  private ratesAt(u: PricedUsage): Rates | null {
    const card = this.rates(u.model, u.at);
    if (!card) return null;
    const total = u.input + u.cache5m + u.cache1h + u.cacheRead;
    let r: Rates = card;
    for (const t of card.tiers) if (total > t.start) r = t.rates;
    return r;
  }

  private rates(model: string, at: number): RateCard | null {
    // A table lookup costs a tenth of a millisecond; per model and day, a history of months asked thousands.
    // Models whose price the table does not date (most): their rates hold on every day.
    const always = this.book.undated.get(model);
    if (always !== undefined) return always;
    const day = Math.floor(at / DAY_MS) * DAY_MS;
    const key = `${model}|${day}`;
    const kept = this.book.dated.get(key);
    if (kept !== undefined) return kept;
    // At noon of that day (prices change by the day).
    const noon = day + DAY_MS / 2;
    const { dated, tierStarts } = describe(model, noon);
    const card = rateCard(model, noon, tierStarts);
    if (dated) this.book.learn('dated', key, card);
    else this.book.learn('undated', model, card);
    return card;
  }

  private override(model: string): PriceOverride | null {
    let found = this.overrideOf.get(model);
    if (found === undefined) this.overrideOf.set(model, (found = this.findOverride(model)));
    return found;
  }

  private findOverride(model: string): PriceOverride | null {
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

/** One probe per kind of token below the first tier, and the same just above each tier's start; null: the table has no price. */
function rateCard(model: string, at: number, tierStarts: number[]): RateCard | null {
  const below = probeRates(model, at, 0);
  if (!below) return null;
  const card: RateCard = { ...below, tiers: [] };
  for (const start of tierStarts) {
    const above = probeRates(model, at, start + 1);
    if (!above) return null;
    card.tiers.push({ start, rates: above });
  }
  return card;
}

/**
 * USD per token of each kind in the tier a total input of `total` falls in (0: below the first),
 * or null when the table has no price: each kind alone at that total, and output beside it.
 */
function probeRates(model: string, at: number, total: number): Rates | null {
  const base = { model, at, input: 0, output: 0, cache5m: 0, cache1h: 0, cacheRead: 0 };
  const n = Math.max(total, PROBE);
  const per = (p: Partial<PricedUsage>) => {
    const c = tableCost({ ...base, ...p });
    return c === null ? null : c / n;
  };
  const input = per({ input: n });
  const cache5m = per({ cache5m: n });
  const cache1h = per({ cache1h: n });
  const cacheRead = per({ cacheRead: n });
  // Output has no share in the total: asked beside input that puts the request in the tier.
  const withOutput = tableCost({ ...base, input: total, output: PROBE });
  const inputAlone = total > 0 ? tableCost({ ...base, input: total }) : 0;
  const output = withOutput === null || inputAlone === null ? null : (withOutput - inputAlone) / PROBE;
  return input === null || output === null || cache5m === null || cache1h === null || cacheRead === null ? null : { input, output, cache5m, cache1h, cacheRead };
}

/**
 * What the table says of a model's price, from one look-up: whether it changes with the date (an
 * unknown model is unknown on every date), and where its tiers start on `at` (total input tokens,
 * ascending; none for a flat price).
 */
function describe(model: string, at: number): { dated: boolean; tierStarts: number[] } {
  const r = table().calcPrice({ input_tokens: PROBE }, model, { providerId: 'anthropic', timestamp: new Date(at) });
  const starts = new Set<number>();
  for (const v of Object.values((r?.model_price ?? {}) as Record<string, unknown>)) {
    const tiers = (v as { tiers?: unknown } | null)?.tiers;
    if (Array.isArray(tiers)) for (const t of tiers) if (Number.isSafeInteger((t as { start?: unknown }).start)) starts.add((t as { start: number }).start);
  }
  return { dated: r !== null && Array.isArray(r.model.prices), tierStarts: [...starts].sort((a, b) => a - b) };
}

function linearCost(u: PricedUsage, r: Rates): number {
  return u.input * r.input + u.output * r.output + u.cache5m * r.cache5m + u.cache1h * r.cache1h + u.cacheRead * r.cacheRead;
}

/** The table's price of one request. */
function tableCost(u: PricedUsage): number | null {
  const r = table().calcPrice(
    {
      input_tokens: u.input + u.cache5m + u.cache1h + u.cacheRead, // the library takes the total and the cache parts as partitions of it
      cache_read_tokens: u.cacheRead,
      cache_write_tokens: u.cache5m + u.cache1h,
      cache_write_1h_tokens: u.cache1h,
      output_tokens: u.output,
    },
    u.model,
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
