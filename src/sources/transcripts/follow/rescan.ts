// The safety net: every couple of minutes the folders are listed again, files the watchers missed
// are read, files that grew are caught up on, and files gone from everywhere are forgotten. The
// first one after start-up also takes in the session folders start-up left unlisted.
import path from 'node:path';
import { discoverInSteps } from '../discover.js';
import type { TranscriptSourceOptions } from '../options.js';
import type { TranscriptReader } from '../reader.js';
import { NOTHING_UNLISTED, type SourceState } from '../state.js';
import { readTo } from '../tracked.js';
import type { TreeWatcher } from './tree.js';

export interface RescanParts {
  shared: SourceState;
  reader: TranscriptReader;
  tree: TreeWatcher;
  options: Pick<TranscriptSourceOptions, 'configDirs' | 'onBatch' | 'log'>;
}

/** Whether `file` lies in one of `dirs` (a session folder: the file is a few levels down). */
function inside(file: string, dirs: Set<string>): boolean {
  if (dirs.size === 0) return false;
  for (let end = file.lastIndexOf(path.sep), up = 0; end > 0 && up < 4; end = file.lastIndexOf(path.sep, end - 1), up++) {
    if (dirs.has(file.slice(0, end))) return true;
  }
  return false;
}

/** Finds files the watcher missed and catches up on any that grew. Never rejects. */
export async function rescan(parts: RescanParts): Promise<void> {
  try {
    await rescanOnce(parts);
  } catch (err) {
    // Nothing in the tree should get here (the listing reports, the reads classify); if anything
    // does, it is one line in the health, and the next rescan tries again.
    parts.shared.readProblems.set('rescan', `rescan failed: ${(err as Error).message}`);
    parts.options.log?.(`rescan: ${(err as Error).stack ?? String(err)}`);
  }
}

async function rescanOnce({ shared, reader, tree, options }: RescanParts): Promise<void> {
  if (shared.closed) return;
  const known = new Set(shared.files.keys()); // files followed before the listing began
  // In steps, requests answered in between: in one go, the first rescan after a start held the
  // thread 40-120 ms at 500 MB (1,579 files), the slowest /usage of a restart. At every size: a
  // worker for the listing, as large histories had, cost a start tens of milliseconds and 7 MB.
  const listing = await discoverInSteps(options.configDirs);
  const found = shared.took(listing);
  tree.rootsListed();
  if (shared.closed) return;
  // Problems of reads are found again by the reads below (or were fixed meanwhile).
  shared.readProblems.clear();
  const live = new Set(found.map((f) => f.id));
  const unlisted = shared.unlisted;
  let n = 0;
  for (const f of found) {
    if (++n % 512 === 0) await new Promise((r) => setImmediate(r)); // thousands of files: let requests in
    if (shared.pending.has(f.id)) continue; // the background read of older history has it
    const t = shared.files.get(f.id);
    // In a session folder start-up left unlisted: older history (the history child has it) is
    // followed from here; anything newer was written since, or not as its session said.
    if (!t && f.mtimeMs < unlisted.before && inside(f.path, unlisted.dirs)) {
      shared.track(f);
      continue;
    }
    if (!t || t.failed || t.state.path !== f.path || f.size !== readTo(t)) await reader.readFile(f.path, f.id);
  }
  if (shared.unlisted === unlisted) shared.unlisted = NOTHING_UNLISTED;
  // Deleted files are forgotten; a file that cannot be read now, or lies in a folder that cannot
  // be listed now, keeps its place: read on from there once that is fixed, nothing twice.
  const kept = new Set(listing.unreadable.map((u) => u.id));
  const hidden = (p: string) => listing.unlisted.some((d) => p.startsWith(d + path.sep));
  for (const id of known) {
    if (live.has(id) || kept.has(id)) continue;
    const t = shared.files.get(id);
    if (t && hidden(t.state.path)) continue;
    reader.forget(id);
  }
  options.onBatch?.();
}
