// A report is one short process whose peak resident memory is part of what it costs a user (and
// what docs/performance.md holds against ccusage's). V8 doubles the young generation's semi-spaces
// while a scan allocates, up to 16 MB each: `blocks --json` peaked at 72 MB on 100 MB of
// transcripts, 113 on 500 MB, 168 on 2 GB; with them kept at their first 1 MB, 64, 94 and 141, in
// the same time or less. Only for the scan of usage lines: a read that keeps much of what it
// allocates has it promoted early and grows the old generation instead (`usage`, which keeps every
// turn and window, peaked at 341-370 MB at 2 GB against 189-210; a report read into SQLite, as
// `--project` is, 2 GB 4.4 s against 3.8); daemon/load.ts asks for it when it loads usage lines alone. The daemon gets
// its size from node's flags (service/spec.ts); a report is started by `claude-gauge`, whose shebang
// cannot pass any, so it asks V8 at run time: V8 reads the growth factor each time it would grow a
// young generation. Two things undo or spoil that, hence the shape of this file:
// - a flag changed before the bundle is read from V8's code cache (bin/code-cache.cjs) makes V8
//   refuse the cache, and a cache written after one is refused at every start;
// - a worker thread's start sets V8's flags back (seen on Node 20: the main thread's and the
//   worker's young generations grew to 16 MB semi-spaces again), so each worker asks again.
import v8 from 'node:v8';

/** Worker threads started after keepYoungGenerationSmall read it here (process.env is shared with them). */
const ASKED = 'CLAUDE_GAUGE_SMALL_YOUNG_GENERATION';

/** Keeps young generations at the size they start with, in this process and the worker threads it starts. */
export function keepYoungGenerationSmall(): void {
  // The build writing the code cache: a cache made under a changed flag is one V8 refuses.
  if (process.env.CLAUDE_GAUGE_WRITE_CODE_CACHE === '1') return;
  process.env[ASKED] = '1';
  setGrowth();
}

/** In a worker thread, at its start: asks again, if the process asked (the worker's start undid it). */
export function keepYoungGenerationSmallHereToo(): void {
  if (process.env[ASKED] === '1') setGrowth();
}

function setGrowth(): void {
  try {
    v8.setFlagsFromString('--semi-space-growth-factor=1');
  } catch {
    // A Node that no longer lets flags change after start: the report runs as before, with more memory.
  }
}
