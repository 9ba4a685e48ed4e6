// What the transcript source is given: where the transcripts are, where their events go, and what
// the engine says about which records matter now. Its own file so the parts (start-up, backfill,
// following) each take the few options they use, without importing the coordinator.
import type { HistoryPart } from '../../core/blocks.js';
import type { ResponseEvent, TurnEvent } from '../../core/events.js';
import type { SummarizeOlderHistory } from './older.js';

export interface TranscriptSourceOptions {
  configDirs: string[];
  emit: (e: ResponseEvent | TurnEvent) => void;
  /** Called after each batch of events, so outputs refresh once per batch, not per line. */
  onBatch?: () => void;
  /**
   * Records older than this (epoch ms) cannot change the live gauges: start-up reads newer
   * files first and leaves the rest to the background. The engine supplies it.
   */
  horizon?: () => number | null;
  /**
   * Start-up reads files last written before this (epoch ms) for their usage lines alone: they
   * hold nothing else the gauges need. The engine supplies it (Engine.usageOnlyBefore).
   */
  usageOnlyBefore?: () => number;
  /** ... and the other files for their usage alone up to the first response at or after this (Engine.liveSince). */
  liveSince?: () => number;
  onProgress?: (done: number, total: number) => void;
  /**
   * Given, the history before the horizon is summarized by `summarize` (the daemon: in a child
   * process) and handed over as finished blocks and recent slots, instead of every response
   * being emitted (the live daemon's way).
   */
  olderHistory?: { summarize: SummarizeOlderHistory; take: (part: HistoryPart) => void };
  /** A file grew while being followed live (for other consumers of the same files: the history store). */
  onFileGrew?: (path: string) => void;
  /** Safety-net rescan period; 0 disables. */
  rescanMs?: number;
  /**
   * Files that grew recently are also polled at this period, so a missed watcher event
   * (network and container mounts, WSL, a busy inotify queue) costs a second, not a rescan. 0 disables.
   */
  hotPollMs?: number;
  log?: (msg: string) => void;
}
