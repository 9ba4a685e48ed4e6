// What every way of reading the transcripts shares, in one place: the files followed (by
// identity), the line counts, what the last listing found, what reads found wrong since, and how
// far the background read of older history is. The start-up read, the backfill and the follow set
// each change it; health() is said from it alone.
import type { SourceHealth } from '../../core/snapshot.js';
import { losesRecords } from '../files/open.js';
import type { Discovery, FoundFile } from './discover.js';
import type { LineStats } from './lines.js';
import { trackedAtEnd, type Tracked } from './tracked.js';

/** Session folders start-up did not list, and the horizon then: the first rescan takes them in. */
export interface Unlisted {
  dirs: Set<string>;
  before: number;
}

export const NOTHING_UNLISTED: Unlisted = { dirs: new Set<string>(), before: -Infinity };

export class SourceState {
  /** By identity (device:inode). */
  readonly files = new Map<string, Tracked>();
  readonly stats: LineStats = { records: 0, skipped: 0 };
  /** What reading found wrong since the last listing, by path (cleared by a good read, or by the file going away). */
  readonly readProblems = new Map<string, string>();
  /** What stays true until a restart (the older history could not be read). */
  readonly lasting: string[] = [];
  /** What the last listing found wrong. */
  private listingProblems: string[] = [];
  /** The last listing's line for each file it found unreadable, by identity and by path: a read since takes it back. */
  private unreadableAt = new Map<string, string>();
  projectDirs: string[] = [];
  /** What the tree watcher watches: the projects folders and the targets of symlinked folders. */
  roots: string[] = [];
  unlisted: Unlisted = NOTHING_UNLISTED;
  /** Files listed at start-up and left to the background read, until it is done. */
  pending = new Set<string>();
  backfill = { done: true, files_done: 0, files_total: 0 };
  closed = false;

  /** The files of a listing, after taking in what it says about the folders. */
  took(d: Discovery): FoundFile[] {
    this.listingProblems = d.problems;
    this.unreadableAt = new Map(d.unreadable.flatMap((u) => [[u.id, u.problem], [u.path, u.problem]]));
    this.projectDirs = d.projectDirs;
    this.roots = [...d.projectDirs, ...d.linkedDirs];
    return d.files;
  }

  /** A file read to its end elsewhere (a scan): follow it from there. */
  track(f: FoundFile): void {
    this.files.set(f.id, trackedAtEnd(f));
  }

  /** Problems a bulk scan met (files it could not read). */
  tookProblems(problems: string[] | undefined): void {
    for (const p of problems ?? []) this.readProblems.set(p, p);
  }

  /**
   * Takes back the problem lines about this file and its path: its last failed read's, and the
   * last listing's (said of this file, under any name, or of whatever was at this path then).
   */
  dropProblems(id: string, t: Tracked): void {
    if (t.problemAt !== null) this.readProblems.delete(t.problemAt);
    t.problemAt = null;
    for (const key of [id, t.state.path]) {
      const listed = this.unreadableAt.get(key);
      if (listed === undefined) continue;
      this.unreadableAt.delete(key);
      this.listingProblems = this.listingProblems.filter((l) => l !== listed);
    }
  }

  health(): SourceHealth {
    return {
      kind: 'transcripts',
      ok: this.projectDirs.length > 0 && this.lasting.length === 0 && ![...this.listingProblems, ...this.readProblems.values()].some(losesRecords),
      problems: [...new Set([...this.listingProblems, ...this.readProblems.values(), ...this.lasting])],
      files: this.files.size,
      records: this.stats.records,
      skipped_lines: this.stats.skipped,
      backfill: { ...this.backfill },
    };
  }
}
