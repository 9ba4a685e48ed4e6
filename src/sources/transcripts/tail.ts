// Reads what is new in a transcript since last time, through the shared file-reading layer
// (src/sources/files): its checkpoint, an unfinished last line left until its newline arrives
// (searched once, however long it grows), truncation and replacement detected, FIFOs and devices
// skipped, and a shortage of file descriptors told apart from a file that is gone.
import { reconcile, type Checkpoint } from '../files/checkpoint.js';
import { lastLineOf, linesOf } from '../files/lines.js';
import { classify, isUnread, openRegular, type Unread } from '../files/open.js';
import { head, readLines } from '../files/read.js';

const CHUNK_BYTES = 1024 * 1024; // small enough that parsing one chunk never holds the event loop for long

/** A live file's checkpoint: how far it was read, and what it was. */
export type TailState = Checkpoint;

export interface ReadResult {
  /** The file was cut short or replaced under the same identity: reading restarted at 0. */
  restarted: boolean;
  /** Lines skipped for being longer than the cap (MAX_LINE_BYTES). */
  overlong: number;
  /** Why nothing (or not all) was read; the state is left where reading stopped. */
  unread: Unread | null;
  /**
   * The path now holds another file (this identity): the one followed was deleted or moved away,
   * and nothing was read. Its place stays as it was; the other file is another checkpoint's.
   */
  replacedBy: string | null;
}

/**
 * Reads complete lines appended since the state's checkpoint, calling `onLines` per chunk so a
 * huge file never sits in memory whole. Updates `state` in place. Never throws. With `sameFile`,
 * only the file the state names (its identity) is read; otherwise a file found in its place is
 * read from its start under the same state.
 */
export async function readNew(
  state: TailState,
  onLines: (lines: string[]) => void,
  opts: { takeUnterminated?: boolean; sameFile?: boolean } = {},
): Promise<ReadResult> {
  const opened = await openRegular(state.path);
  if (isUnread(opened)) return { restarted: false, overlong: 0, unread: opened, replacedBy: null };
  const { fh } = opened;
  let restarted = false;
  try {
    if (opts.sameFile && opened.id !== state.id) return { restarted, overlong: 0, unread: null, replacedBy: opened.id };
    restarted = reconcile(state, opened.id, opened.size, await head(fh, opened.size));
    // A one-shot report reads the last line even without its newline (as ccusage does); a live
    // tail waits for the newline instead, and reads the line then.
    const r = await readLines(fh, opened.size, state, (c) => onLines(linesOf(c)), { readBytes: CHUNK_BYTES, rest: opts.takeUnterminated });
    const last = lastLineOf(r.rest);
    if (last !== null) onLines([last]);
    return { restarted, overlong: r.overlong, unread: null, replacedBy: null };
  } catch (err) {
    return { restarted, overlong: 0, unread: classify(state.path, err), replacedBy: null };
  } finally {
    await fh.close().catch(() => {});
  }
}
