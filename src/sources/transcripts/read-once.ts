// Every transcript read once, to its end: the one-shot reports (`blocks`, `usage`, `doctor`,
// calibration). None of the live source's following (follow/, the start-up read, the backfill),
// so the reports' own bundle does not carry it (cli/report-commands.ts).
import { availableParallelism } from 'node:os';
import type { FoldOrder } from '../../core/response-fold.js';
import type { SourceHealth } from '../../core/snapshot.js';
import { byPath, discover, discoverShallow, type FoundFile } from './discover.js';
import { addStats } from './lines.js';
import type { TranscriptSourceOptions } from './options.js';
import { bytesOf, ScanPool, scanParallel } from './parallel.js';
import { TranscriptReader, type DirectWatch } from './reader.js';
import { SourceState } from './state.js';

/**
 * A one-shot scan below this many bytes runs on one thread. Reading transcripts is bound by memory
 * more than by the core: two scans side by side each run about 30 % slower on the 2-core machine
 * of docs/performance.md, and a worker costs tens of milliseconds to boot and its own heap. There
 * one thread beat a worker beside it at 100 MB (312 against 343 ms, medians of 11 alternating).
 * Since the scan's batches keep the worker busy (parallel.ts), the worker wins at 500 MB: 946 ->
 * 809 ms (medians of 9; ccusage 958 in the same rounds), peak memory 118 -> 117-122 MB (ccusage
 * 126). It was 512 MB, where at 16 MB batches the two tied.
 */
export const ONE_SHOT_PARALLEL_BYTES = 256 * 1024 * 1024;

/** No file is watched in a read that ends. */
const NO_WATCHES: DirectWatch = { watch() {}, unwatch() {} };

/** The transcripts read once; what the read found is in health(). */
export class TranscriptsOnce {
  private readonly shared = new SourceState();

  constructor(private readonly options: TranscriptSourceOptions) {}

  /** Reads every file to its end. `turns: false` skips prompt records (blocks need none), its copies folded by `order` (scan.ts). */
  loadAll(turns = true, order: FoldOrder = 'first'): Promise<void> {
    return readAll(this.shared, new TranscriptReader(this.shared, this.options, NO_WATCHES), this.options, turns, order);
  }

  health(): SourceHealth {
    return this.shared.health();
  }
}

/** TranscriptsOnce.loadAll over a source's own state and reader (the live source's loadAll too). */
export async function readAll(shared: SourceState, reader: TranscriptReader, options: TranscriptSourceOptions, turns: boolean, order: FoldOrder): Promise<void> {
  if (!turns) {
    // Usage only (blocks): copies folded as they are read, then here, in path order. Workers only
    // for a large history (see ONE_SHOT_PARALLEL_BYTES), this thread scanning beside them. The
    // sessions' own transcripts are listed first: when they alone pass the mark, the worker boots
    // while the subagents' folders, most of the files, are listed (alternating, medians of 9, 5
    // and 7: 1 GB 1,227 -> 1,127 ms, 2 GB 2,210 -> 2,010, 500 MB 748 -> 671).
    const listing = discoverShallow(options.configDirs);
    const poolFor = (files: FoundFile[]) => (bytesOf(files) >= ONE_SHOT_PARALLEL_BYTES ? new ScanPool(Math.max(1, availableParallelism() - 1)) : null);
    const early = poolFor(listing.files);
    for (const d of listing.deferred) listing.expand(d);
    // Path order, as ccusage reads them: equal copies of a response then resolve the same way.
    const found = shared.took(listing).sort(byPath);
    const pool = early ?? poolFor(found);
    await scanParallel(
      found,
      (r) => {
        addStats(shared.stats, r.stats);
        shared.tookProblems(r.problems);
        for (const e of r.responses) options.emit(e);
      },
      pool ? { pool, scanHere: true, order } : { minBytes: Infinity, order },
    );
    for (const f of found) shared.track(f);
    return;
  }
  const found = shared.took(discover(options.configDirs)).sort(byPath);
  for (const f of found) await reader.readFile(f.path, f.id, { takeUnterminated: true }, f.mtimeMs);
}
