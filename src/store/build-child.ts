// The history's first build (build.ts) in a child process of its own, at a lower priority: its
// reader thread, page cache and facts in flight never count against the daemon's memory, it
// gives the processor up to the daemon's live work, and all it holds goes back when it exits.
import path from 'node:path';
import { openHistory } from './db.js';
import type { BuildFile, BuildResult } from './build.js';
import { buildInPhases } from './build-phases.js';
import { loadPricer } from './pricing.js';
import { rateBookFile } from './rate-book.js';
import { errorText } from '../util/errno.js';
import { BUILD_NICE, lowerPriority } from '../util/priority.js';

export interface BuildRequest {
  file: string;
  pricesFile: string;
  files: BuildFile[];
  /** The responses first, then the details (build-phases.ts): a first build of a large history. */
  usageFirst?: boolean;
  /** Every file from its start: the details of a usage-first build that stopped half way. */
  fromStart?: boolean;
}

export type BuildMessage = { progress: { files: number; lines: number; skipped: number } } | { usable: true } | { problem: string } | { done: BuildResult } | { error: string };

const send = (m: BuildMessage) => new Promise<void>((resolve) => (process.connected ? process.send!(m, () => resolve()) : resolve()));

// The daemon gone: nothing is waiting for this; what committed stays, the rest is read next start.
process.on('disconnect', () => process.exit(0));

process.once('message', async (m: BuildRequest) => {
  // Its reader thread inherits it. Measured on 2 busy cores (300 MB), with the summary at the
  // daemon's priority: the daemon's /usage p99 was 9-13 ms at 10 or 19, 15-24 ms at 5, 34-40 ms
  // at 0, and 5 or 0 built no sooner; util/priority.ts for the value now.
  lowerPriority(BUILD_NICE);
  let code = 0;
  try {
    const history = openHistory(m.file, { checked: true }); // by the daemon's start (serve.ts)
    try {
      // The daemon's rates (rate-book.ts), when it kept them: the price table need not load here.
      const pricer = loadPricer(m.pricesFile, (problem) => void send({ problem }), { rateBook: rateBookFile(path.dirname(m.file)) });
      const done = await buildInPhases(history.db, m.files, pricer, {
        usageFirst: m.usageFirst,
        fromStart: m.fromStart,
        onProgress: (progress) => void send({ progress }),
        onUsable: () => send({ usable: true }),
      });
      history.close();
      await pricer.saveRates((problem) => void send({ problem }));
      await send({ done });
    } finally {
      if (history.db.open) history.close();
    }
  } catch (err) {
    code = 1;
    // SQLite's words ("database or disk is full") say more to a user than its code alone.
    const message = err instanceof Error ? err.message : '';
    await send({ error: message && !message.includes(errorText(err)) ? `${errorText(err)}: ${message}` : errorText(err) });
  }
  process.exit(code);
});
