// The price table's per-token rates, kept between runs. Loading the table costs about 70 ms of
// compiling before the first price; its answer for a model (and, for the few models it dates, a
// day) is five numbers below the long-context tier and five more above each tier's start (the
// table bills a whole request at the rates of the tier its total input falls in). A report or a
// daemon start that finds them here prices every response without loading the table at all. The
// file is named by the pricing fingerprint (table version, rules, prices in force): another
// fingerprint reads as empty.
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { readStateFileSync } from '../util/state-file.js';

/** USD per token of each kind. */
export interface Rates {
  input: number;
  output: number;
  cache5m: number;
  cache1h: number;
  cacheRead: number;
}

/** A model's rates on a day: below its first tier, and above each tier's start (ascending). */
export interface RateCard extends Rates {
  tiers: { start: number; rates: Rates }[];
}

const VERSION = 2;
const KINDS = ['input', 'output', 'cache5m', 'cache1h', 'cacheRead'] as const;
/** Far above any real history's models and dated days; a file over it is not ours. */
const MAX_BYTES = 1 << 20;
const MAX_ENTRIES = 10_000;

export function rateBookFile(stateDir: string): string {
  return path.join(stateDir, 'price-rates.json');
}

export class RateBook {
  /** Rates that hold on every day (the table does not date the model's price); null: the table has no price. */
  readonly undated = new Map<string, RateCard | null>();
  /** Rates of a dated model on one day, by `model|dayStartMs`. */
  readonly dated = new Map<string, RateCard | null>();
  private learned = false;

  constructor(readonly fingerprint: string, private readonly file: string | null = null) {
    if (file) this.read(file);
  }

  learn(into: 'undated' | 'dated', key: string, r: RateCard | null): void {
    const map = this[into];
    if (map.size >= MAX_ENTRIES) map.clear(); // a bound on memory and on the file; cleared entries are asked again
    map.set(key, r);
    this.learned = true;
  }

  /** Writes the book when it learned something since it was read or last saved (temp file, fsync, rename). */
  async save(): Promise<void> {
    if (!this.file || !this.learned) return;
    this.learned = false;
    const entries = (m: Map<string, RateCard | null>) => Object.fromEntries(m);
    await writeFileAtomic(this.file, JSON.stringify({ version: VERSION, fingerprint: this.fingerprint, undated: entries(this.undated), dated: entries(this.dated) }) + '\n');
  }

  /** A book that does not read, or was written under other prices, is empty: the table answers again. */
  private read(file: string): void {
    let j: { version?: unknown; fingerprint?: unknown; undated?: unknown; dated?: unknown };
    try {
      const text = readStateFileSync(file, MAX_BYTES);
      if (text === null) return;
      j = JSON.parse(text);
    } catch {
      return;
    }
    if (!j || j.version !== VERSION || j.fingerprint !== this.fingerprint) return;
    const undated = entriesOf(j.undated);
    const dated = entriesOf(j.dated);
    if (!undated || !dated) return;
    for (const [k, r] of undated) this.undated.set(k, r);
    for (const [k, r] of dated) this.dated.set(k, r);
  }
}

/** Every entry valid (null, or rates and tiers as RateCard says), else null: a half-valid book is not trusted. */
function entriesOf(raw: unknown): [string, RateCard | null][] | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const out: [string, RateCard | null][] = [];
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (v === null) {
      out.push([k, null]);
      continue;
    }
    const base = ratesOf(v);
    const tiers = (v as { tiers?: unknown }).tiers;
    if (!base || !Array.isArray(tiers)) return null;
    const card: RateCard = { ...base, tiers: [] };
    for (const t of tiers as unknown[]) {
      const start = (t as { start?: unknown } | null)?.start;
      const rates = ratesOf((t as { rates?: unknown } | null)?.rates);
      const last = card.tiers.at(-1)?.start ?? -1;
      if (typeof start !== 'number' || !Number.isSafeInteger(start) || start <= last || !rates) return null;
      card.tiers.push({ start, rates });
    }
    out.push([k, card]);
  }
  return out.length > MAX_ENTRIES * 2 ? null : out;
}

/** Five finite rates at or above zero, or null. */
function ratesOf(v: unknown): Rates | null {
  if (!v || typeof v !== 'object') return null;
  const r = v as Record<string, unknown>;
  if (!KINDS.every((kind) => typeof r[kind] === 'number' && Number.isFinite(r[kind]) && (r[kind] as number) >= 0)) return null;
  return { input: r.input, output: r.output, cache5m: r.cache5m, cache1h: r.cache1h, cacheRead: r.cacheRead } as Rates;
}
