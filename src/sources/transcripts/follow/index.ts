// The follow set: every way a change to a transcript reaches the reader once start-up has read the
// newest files. The tree watcher hears the whole tree, direct watches hear the hottest files at
// once, hot polling covers a watcher event that never came, and the rescan finds whatever all of
// them missed. They overlap on purpose; the reader reads each change once, whoever saw it.
import { settled } from '../../../util/settle.js';
import type { TranscriptSourceOptions } from '../options.js';
import type { TranscriptReader } from '../reader.js';
import type { SourceState } from '../state.js';
import type { DirectWatches } from './direct.js';
import { pollHot } from './poll.js';
import { rescan } from './rescan.js';
import type { TreeWatcher } from './tree.js';

export type FollowOptions = Pick<TranscriptSourceOptions, 'configDirs' | 'onBatch' | 'log' | 'rescanMs' | 'hotPollMs'>;

export interface FollowParts {
  shared: SourceState;
  reader: TranscriptReader;
  direct: DirectWatches;
  tree: TreeWatcher;
  options: FollowOptions;
}

export class FollowSet {
  private rescanTimer: NodeJS.Timeout | null = null;
  private hotTimer: NodeJS.Timeout | null = null;

  constructor(private readonly parts: FollowParts) {}

  /**
   * Following starts with the start-up read (direct watches, polling, the rescan); the tree
   * watcher walks the whole tree before it reports anything (on a large history about as long as
   * the listing itself), so it joins only once start-up has settled. Changes between the listing
   * and the watcher being in place reached neither: one rescan then catches them. It waits the
   * settling time twice: the older history's child starts after the first (backfill.ts), and the
   * two back to back held the daemon's thread 100-135 ms at 2 GB.
   */
  start(startedUp: Promise<void>): void {
    const { shared, direct, tree, options } = this.parts;
    if (shared.closed) return;
    direct.start();
    void startedUp.then(settled).then(settled).then(() => tree.watchRoots()).then(() => this.rescan());
    const every = options.rescanMs ?? 120_000;
    if (every > 0) {
      this.rescanTimer = setInterval(() => void this.rescan(), every);
      this.rescanTimer.unref();
    }
    const hot = options.hotPollMs ?? 1000;
    if (hot > 0) {
      this.hotTimer = setInterval(() => void pollHot(this.parts), hot);
      this.hotTimer.unref();
    }
  }

  /** The safety net, now: never rejects. */
  rescan(): Promise<void> {
    return rescan(this.parts);
  }

  /** Stops every way of following (the shared state is marked closed first). */
  async close(): Promise<void> {
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    if (this.hotTimer) clearInterval(this.hotTimer);
    this.rescanTimer = this.hotTimer = null;
    this.parts.direct.close();
    this.parts.reader.stopRetries();
    await this.parts.tree.close();
  }
}
