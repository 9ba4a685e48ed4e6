// The embedded default source: Claude Code's JSONL transcripts, read recent-first,
// then followed live (a native file watcher, hot-file polling and a slow rescan as safety nets).
// Nothing found on disk stops it: every error on an entry is a line in `problems`, a file that
// cannot be opened for want of file descriptors is retried (its place kept), and FIFOs and devices
// are never read (src/sources/files).
// This file only puts the parts together: the start-up read (startup.ts), the background read of
// older history (backfill.ts), the ways of following changes (follow/), the reader each of them
// reads through (reader.ts) and the state they share (state.ts, tracked.ts). A read once to the
// end, for a report, is read-once.ts alone.
import type { FoldOrder } from '../../core/response-fold.js';
import type { SourceHealth } from '../../core/snapshot.js';
import { startBackfill } from './backfill.js';
import { FollowSet } from './follow/index.js';
import { DirectWatches } from './follow/direct.js';
import { TreeWatcher } from './follow/tree.js';
import type { TranscriptSourceOptions } from './options.js';
import { readAll } from './read-once.js';
import { TranscriptReader } from './reader.js';
import { readNewestFirst } from './startup.js';
import { SourceState } from './state.js';
import { readTo } from './tracked.js';

export type { TranscriptSourceOptions } from './options.js';

export class TranscriptSource {
  private readonly shared = new SourceState();
  private readonly reader: TranscriptReader;
  private readonly direct: DirectWatches;
  private readonly follow: FollowSet;
  private backfillTask: Promise<void> = Promise.resolve();
  /** Resolves once start() has read the newest files. */
  private started!: () => void;
  private readonly startedUp = new Promise<void>((resolve) => (this.started = resolve));

  constructor(private readonly options: TranscriptSourceOptions) {
    // Whichever watch hears a change, the reader reads it.
    const changed = (p: string) => void this.reader.readPath(p);
    this.direct = new DirectWatches(this.shared, changed);
    this.reader = new TranscriptReader(this.shared, options, this.direct);
    const tree = new TreeWatcher(this.shared, changed, options);
    this.follow = new FollowSet({ shared: this.shared, reader: this.reader, direct: this.direct, tree, options });
  }

  /** Reads every file to its end, as TranscriptsOnce does (read-once.ts), in this source's state. */
  loadAll(turns = true, order: FoldOrder = 'first'): Promise<void> {
    return readAll(this.shared, this.reader, this.options, turns, order);
  }

  /**
   * Live start: resolves once the gauges are right (newest files read, back to the horizon);
   * older files follow in the background, and changes are followed from the start. Files last
   * written before the engine's `usageOnlyBefore` are read for their usage lines alone.
   */
  async start(): Promise<void> {
    this.follow.start(this.startedUp);
    const { read, left } = await readNewestFirst({ shared: this.shared, reader: this.reader, options: this.options });
    // The files of the session being worked in right now get their direct watch from the start.
    this.direct.watchNewest(read);
    this.backfillTask = startBackfill(this.shared, left, this.options);
    this.started();
  }

  /** Resolves when the background read of older history is finished. */
  whenBackfilled(): Promise<void> {
    return this.backfillTask;
  }

  /** The safety net: finds files the watcher missed and catches up on any that grew. Never rejects. */
  rescan(): Promise<void> {
    return this.follow.rescan();
  }

  health(): SourceHealth {
    return this.shared.health();
  }

  /** Resolves once no file is being read (each read has reported what it found). */
  async idle(): Promise<void> {
    const busy = () => [...this.shared.files.values()].filter((t) => t.busy);
    for (let reading = busy(); reading.length; reading = busy()) await Promise.allSettled(reading.map((t) => t.busy));
  }

  /** Bytes of the file with this identity (device:inode) taken in so far, or null when it is not followed. */
  takenIn(id: string): number | null {
    const t = this.shared.files.get(id);
    return t ? readTo(t) : null;
  }

  /** Paths of the files watched directly right now (the hottest few). */
  get directlyWatched(): string[] {
    return this.direct.paths;
  }

  get watchedDirs(): string[] {
    return [...this.shared.projectDirs];
  }

  async close(): Promise<void> {
    if (this.shared.closed) return;
    this.shared.closed = true;
    await this.follow.close();
    await Promise.allSettled([...this.shared.files.values()].map((t) => t.busy));
  }
}
