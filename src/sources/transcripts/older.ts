// What the transcript source asks of whoever summarizes its older history (the daemon runs that
// in a child process: src/daemon/largest-block.ts), and what it gets back. Older history means
// only one number to the live gauges, so the source never holds it.
import type { LineStats } from './lines.js';

/** List these folders and summarize every transcript but these. */
export interface OlderHistoryRequest {
  configDirs: string[];
  /** Identities of files the source read itself (the newest ones). */
  exclude: string[];
}

export interface OlderHistorySummary {
  /** Total tokens of the largest finished block (0 when none). */
  maxFinishedBlock: number;
  stats: LineStats;
  /** Files that could not be read, one line each. */
  problems: string[];
}

export type SummarizeOlderHistory = (request: OlderHistoryRequest, onProgress?: (filesDone: number) => void, onTotal?: (files: number) => void) => Promise<OlderHistorySummary>;
