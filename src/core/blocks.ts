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
}

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
}
