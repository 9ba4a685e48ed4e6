// What the transcript source asks of whoever summarizes its older history (the daemon runs that
// in a child process: src/daemon/older-history.ts), and what it gets back. The source never
// holds that history: it hands the summary on to the engine (`take`) and keeps only the counts.
import type { HistoryPart } from '../../core/blocks.js';
import type { LineStats } from './lines.js';

/** List these folders and summarize every transcript in them, up to the instant the caller sets. */
export interface OlderHistoryRequest {
  configDirs: string[];
}

export interface OlderHistorySummary {
  /** What the live engine keeps of it: finished blocks and the last days' slots. */
  part: HistoryPart;
  stats: LineStats;
  /** Files that could not be read, one line each. */
  problems: string[];
}

export type SummarizeOlderHistory = (request: OlderHistoryRequest, onProgress?: (filesDone: number) => void, onTotal?: (files: number) => void) => Promise<OlderHistorySummary>;
