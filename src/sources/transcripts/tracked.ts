// One followed file's place and bookkeeping, the same whichever way it is followed (start-up read,
// backfill, tree watcher, direct watch, hot polling, rescan): how far it was read, when it last
// grew, whether a read is under way or owed, and what was last said about it.
import { newCheckpoint } from '../files/checkpoint.js';
import type { FoundFile } from './discover.js';
import type { TailState } from './tail.js';

export interface Tracked {
  state: TailState;
  /** When this file last grew (epoch ms), for hot polling. */
  grewAt: number;
  busy: Promise<void> | null;
  again: boolean;
  /** The last read failed: the next rescan tries again even if the size did not change. */
  failed: boolean;
  /** A read put off for want of file descriptors, and how long it waits next time. */
  retry: NodeJS.Timeout | null;
  retryMs: number;
  /** The path a problem line was last listed under for this file (it may have moved since). */
  problemAt: string | null;
  /** No longer at its path (deleted, or moved away unseen): left to the watcher and the rescan, not polled. */
  lost: boolean;
}

/** Out of file descriptors: the read is tried again after this, doubling up to RETRY_MAX_MS. */
export const RETRY_FIRST_MS = 250;
export const RETRY_MAX_MS = 5000;

/** A file that grew this recently is hot: polled, and kept in (or let into) the direct watches. */
export const HOT_FOR_MS = 10 * 60_000;

export const newTracked = (state: TailState, grewAt: number): Tracked => ({ state, grewAt, busy: null, again: false, failed: false, retry: null, retryMs: RETRY_FIRST_MS, problemAt: null, lost: false });

/** A file read to its end elsewhere (a scan): followed from there, as hot as its last write. */
export const trackedAtEnd = (f: FoundFile): Tracked => newTracked(newCheckpoint(f.id, f.path, { offset: f.size, scanned: f.size, overlong: false }), f.mtimeMs);

/** Bytes of a file already taken in: lines read, and an unfinished last line searched. */
export const readTo = (t: Tracked) => Math.max(t.state.offset, t.state.scanned);
