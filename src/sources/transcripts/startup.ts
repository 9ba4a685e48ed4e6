// The start-up read: newest first, back to the horizon, so the gauges are right as soon as
// possible and older files are left to the background. A session's folder is listed only when
// the reading gets to it (nothing in it is newer than its session's last write), and files the
// lamps cannot need are read for their usage lines alone.
import { discoverShallow, type DeferredDir, type FoundFile } from './discover.js';
import type { TranscriptSourceOptions } from './options.js';
import type { TranscriptReader } from './reader.js';
import { scanToFollow, UsageReader } from './scan.js';
import type { SourceState } from './state.js';
import { newTracked } from './tracked.js';

interface Item {
  /** A file's last write, or the newest a deferred folder can hold. */
  at: number;
  file?: FoundFile;
  dir?: DeferredDir;
}

const fileItem = (file: FoundFile): Item => ({ at: file.mtimeMs, file });
const dirItem = (dir: DeferredDir): Item => ({ at: dir.writtenBy, dir });

/** Items newest first; a folder's files join where they belong once it is listed. */
class NewestFirst {
  private items: Item[];
  private next = 0;

  constructor(items: Item[]) {
    this.items = items.sort((a, b) => b.at - a.at);
  }

  first(): Item | undefined {
    return this.items[this.next];
  }

  take(): void {
    this.next++;
  }

  add(item: Item): void {
    let lo = this.next;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.items[mid].at >= item.at) lo = mid + 1;
      else hi = mid;
    }
    this.items.splice(lo, 0, item);
  }

  rest(): Item[] {
    return this.items.slice(this.next);
  }
}

export type StartupOptions = Pick<TranscriptSourceOptions, 'configDirs' | 'emit' | 'onBatch' | 'horizon' | 'usageOnlyBefore' | 'liveSince'>;

export interface StartupParts {
  shared: SourceState;
  reader: TranscriptReader;
  options: StartupOptions;
}

/** What start-up left to the background read: files, and session folders it did not list (newest first). */
export interface LeftOver {
  files: FoundFile[];
  sessionDirs: string[];
}

/** What start-up read (newest first), and what it left. */
export interface StartupRead {
  read: FoundFile[];
  left: LeftOver;
}

/** Lists the folders (sessions' own folders deferred) and reads the newest files, back to the horizon. */
export async function readNewestFirst({ shared, reader, options }: StartupParts): Promise<StartupRead> {
  const listing = discoverShallow(options.configDirs);
  shared.took(listing);
  // Newest first; a session's folder goes by its session's last write (nothing in it is newer)
  // and is listed only when the reading gets there.
  const queue = new NewestFirst([...listing.files.map(fileItem), ...listing.deferred.map(dirItem)]);
  const read: FoundFile[] = [];
  const usageReader = new UsageReader();
  for (let next = queue.first(); next; next = queue.first()) {
    const horizon = options.horizon?.() ?? null;
    // The rest was last written before the horizon: it holds only records before it (mtime >= every timestamp inside).
    if (horizon !== null && next.at < horizon) break;
    queue.take();
    if (next.dir) {
      for (const f of listing.expand(next.dir)) queue.add(fileItem(f));
      continue;
    }
    const f = next.file!;
    read.push(f);
    if (f.mtimeMs < (options.usageOnlyBefore?.() ?? -Infinity) && scanUsage(shared, options, f, { reader: usageReader })) continue;
    // A file the lamps may need: its usage alone up to its first recent response, the rest in full.
    if (options.liveSince) scanUsage(shared, options, f, { reader: usageReader, until: options.liveSince() });
    await reader.readFile(f.path, f.id, {}, f.mtimeMs);
  }
  options.onBatch?.();
  const rest = queue.rest();
  return { read, left: { files: rest.flatMap((r) => (r.file ? [r.file] : [])), sessionDirs: rest.flatMap((r) => (r.dir ? [r.dir.path] : [])) } };
}

/** Reads a file for its usage lines alone (to `until`) and follows it from there; false if it was not the file listed. */
function scanUsage(shared: SourceState, options: StartupOptions, f: FoundFile, scan: { reader: UsageReader; until?: number }): boolean {
  const state = scanToFollow(f.path, f.id, shared.stats, options.emit, scan);
  if (!state) return false;
  shared.files.set(f.id, newTracked(state, f.mtimeMs));
  return true;
}
