// The shapes of 5-hour blocks (ccusage's definition, FACTS.md): what the engine folds usage into
// and what the outputs render. The functions that compute them are the engine's (engine/blocks.ts).
import type { Tokens } from './events.js';

/** One deduplicated response, as a block counts it. */
export interface BlockEntry {
  at: number;
  model: string;
  tokens: Tokens;
  /** Placeholder lines count in a block's entries and tokens but are not a model. */
  synthetic?: boolean;
  sidechain?: boolean;
  speed?: boolean;
  /** The part of tokens.cacheCreation written for 1 hour (priced higher). */
  cache1h?: number;
  /** USD at list prices once priced (null: no price known for the model); absent until asked. */
  cost?: number | null;
}

/** List price of one entry in USD, or null when nobody knows the model's price. Injected: prices are not the engine's. */
export type PriceFn = (e: BlockEntry) => number | null;

export interface Block {
  start: number;
  end: number;
  /** Time of the first entry; null for gaps. */
  firstAt: number | null;
  /** Time of the last entry; null for gaps. */
  actualEnd: number | null;
  isActive: boolean;
  isGap: boolean;
  entries: number;
  tokens: Tokens;
  totalTokens: number;
  models: string[];
  /** USD of the priced entries when a price function was given (entries without a price add nothing, as in ccusage). */
  cost?: number;
}

/** A finished 5-hour block as the `auto` ceiling remembers it. */
export interface FinishedBlock {
  start: number;
  tokens: number;
}

/** Tokens and list-price dollars of one 15-minute slot (cost null: nothing in it had a price). */
export interface Slot {
  at: number;
  tokens: number;
  cost: number | null;
}

/** What a summary of older history hands the live engine: everything before `before`, nothing after. */
export interface HistoryPart {
  before: number;
  finishedBlocks: FinishedBlock[];
  /** The last eight days' usage, in 15-minute slots. */
  slots: Slot[];
}
