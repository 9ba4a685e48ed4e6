// Reading one followed file on from its place, whichever way of following asked for it: one
// reader per file at a time (a change during a read owes one more read), a rename or a file put
// in its place told apart, and what a read's outcome means for the file's place, its problem
// lines and its retries.
import { promises as fs } from 'node:fs';
import { newCheckpoint } from '../files/checkpoint.js';
import { fileId } from '../files/fingerprint.js';
import { MAX_LINE_BYTES } from '../files/lines.js';
import { classify, irregular, skipped, type Unread } from '../files/open.js';
import { eventsFromLines } from './lines.js';
import type { TranscriptSourceOptions } from './options.js';
import type { SourceState } from './state.js';
import { readNew } from './tail.js';
import { newTracked, readTo, RETRY_FIRST_MS, RETRY_MAX_MS, type Tracked } from './tracked.js';

/** The direct watches, as a read changes them: a file that just grew is let in, one gone is let go. */
export interface DirectWatch {
  watch(id: string, path: string): void;
  unwatch(id: string): void;
}

export type ReaderOptions = Pick<TranscriptSourceOptions, 'emit' | 'onBatch' | 'onFileGrew' | 'log'>;

export class TranscriptReader {
  constructor(
    private readonly shared: SourceState,
    private readonly options: ReaderOptions,
    private readonly direct: DirectWatch,
  ) {}

  /** A path the watcher (or a direct watch) says changed. Never rejects. */
  async readPath(p: string): Promise<void> {
    if (this.shared.closed) return;
    let st;
    try {
      st = await fs.stat(p, { bigint: true });
    } catch (err) {
      const why = classify(p, err);
      if (why.problem) this.shared.readProblems.set(p, why.problem); // a link loop or through a file, a folder not entered
      return; // or gone between the event and the stat
    }
    const kind = irregular(st);
    if (kind) {
      this.shared.readProblems.set(p, skipped(p, kind).problem); // a FIFO or a device: never opened
      return;
    }
    await this.readFile(p, fileId(st));
    this.options.onBatch?.();
  }

  /**
   * One reader per file at a time; a change during a read triggers one more read after it.
   * `mtimeMs` given: history read at start-up or for a report (as hot as its last write), not live growth.
   */
  async readFile(p: string, id: string, how: { takeUnterminated?: boolean } = {}, mtimeMs?: number): Promise<void> {
    const files = this.shared.files;
    let t = files.get(id);
    if (!t) {
      t = newTracked(newCheckpoint(id, p), 0);
      files.set(id, t);
    }
    // A rename keeps identity and offset. The history finds files by path: it must hear the new
    // name, or lines written just before a rotation (rename + new file) never reach it.
    if (t.state.path !== p && mtimeMs === undefined) this.options.onFileGrew?.(p);
    t.state.path = p;
    if (t.busy) {
      t.again = true;
      return t.busy;
    }
    const tracked = t;
    tracked.busy = (async () => {
      do {
        tracked.again = false;
        const before = tracked.state.offset;
        const takenBefore = readTo(tracked);
        const r = await readNew(tracked.state, (lines) => eventsFromLines(lines, this.shared.stats, this.options.emit), { ...how, sameFile: true });
        if (r.replacedBy) {
          // Another file at this path now: this one was deleted or moved away. Its place is kept
          // (a rescan finds it under its new name, or nowhere); the newcomer is read on its own.
          tracked.lost = true;
          this.direct.unwatch(id);
          this.shared.dropProblems(id, tracked); // what was said of it at that path is said of another file now
          // Not awaited: two files swapping names would each wait for the other's read.
          void this.readFile(tracked.state.path, r.replacedBy, how);
          break;
        }
        this.shared.stats.skipped += r.overlong;
        if (r.overlong > 0) this.options.log?.(`${tracked.state.path}: skipped ${r.overlong} line(s) longer than ${MAX_LINE_BYTES} bytes`);
        // History read at start-up is as hot as its last write; live growth is hot now.
        if (tracked.state.offset !== before || readTo(tracked) !== takenBefore) {
          tracked.grewAt = mtimeMs ?? Date.now();
          if (mtimeMs === undefined) {
            if (tracked.state.offset !== before) this.options.onFileGrew?.(tracked.state.path);
            this.direct.watch(id, tracked.state.path);
          }
        }
        if (r.restarted) this.options.log?.(`${p} was truncated or replaced; reading it again from the start`);
        this.afterRead(id, tracked, r.unread);
      } while (tracked.again && !this.shared.closed);
    })()
      .catch((err: Error) => this.afterRead(id, tracked, classify(tracked.state.path, err)))
      .finally(() => {
        tracked.busy = null;
      });
    return tracked.busy;
  }

  /** A file no longer anywhere: its place, retry and direct watch go. */
  forget(id: string): void {
    const t = this.shared.files.get(id);
    if (!t) return;
    if (t.retry) clearTimeout(t.retry);
    this.shared.files.delete(id);
    this.direct.unwatch(id);
  }

  /** Closing: no read put off for want of file descriptors is tried again. */
  stopRetries(): void {
    for (const t of this.shared.files.values()) if (t.retry) clearTimeout(t.retry);
  }

  /** What a read's outcome means for the file's place and the health. */
  private afterRead(id: string, t: Tracked, unread: Unread | null): void {
    const p = t.state.path;
    const problems = this.shared.readProblems;
    t.failed = unread !== null;
    t.lost = unread?.why === 'gone';
    // Read well now (its permissions were fixed since), or gone from there: what was said is past.
    if (!unread || unread.why === 'gone') this.shared.dropProblems(id, t);
    else if (t.problemAt !== null) problems.delete(t.problemAt);
    t.problemAt = unread?.problem ? p : null;
    if (!unread) {
      t.retryMs = RETRY_FIRST_MS;
      return;
    }
    if (unread.problem) problems.set(p, unread.problem);
    // Gone from this path is not gone: a file renamed (or reached through a link removed since)
    // lives on under another name, and reading it again from its start would count it twice.
    // Its place is kept until a rescan finds it nowhere.
    if (unread.why === 'gone') {
      t.lost = true;
      this.direct.unwatch(id);
    } else if (unread.why === 'skipped') {
      // A FIFO or a device at its path now: this file is not there (the line is about the path).
      t.problemAt = null;
      t.lost = true;
      if (readTo(t) === 0) this.forget(id); // nothing read from it: nothing to keep
    } else if (unread.why === 'retry' && !t.retry && !this.shared.closed) {
      // Out of file descriptors (or another passing shortage): not gone. Its place is kept and the
      // read tried again soon, whether or not anything else happens to the file meanwhile.
      if (t.retryMs === RETRY_FIRST_MS) this.options.log?.(unread.problem);
      t.retry = setTimeout(() => {
        t.retry = null;
        if (this.shared.files.get(id) === t) void this.readFile(t.state.path, id);
      }, t.retryMs);
      t.retry.unref();
      t.retryMs = Math.min(RETRY_MAX_MS, t.retryMs * 2);
    }
    // 'failed' (EACCES, EIO, ...): its place is kept; the rescan and hot polling try again.
  }
}
