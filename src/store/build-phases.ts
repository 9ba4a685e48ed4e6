// A large first build in two passes: the responses first, at about the speed of a report's scan
// (the usage lines alone, the rest never decoded), so that the reports, the blocks and /stats's
// token and cost figures answer from the history seconds sooner; then every line again from
// its start for the details (tools, texts, thinking estimates). Every write is idempotent
// (writer.ts), so the second pass over the first makes exactly the history one full pass makes
// (build-phases.test.ts). Until the details are in, the history says so (DETAILS_PENDING): a
// start after a kill reads every file from its start again.
import type { Db } from './db.js';
import { buildHistory, type BuildFile, type BuildOptions, type BuildResult } from './build.js';
import { keepBlocks } from './history-blocks.js';
import { deleteMeta, getMeta, setMeta } from './meta.js';
import type { Pricer } from './pricing.js';
import { keepReportSlots } from './report-slots.js';

/** Meta key: the responses are in, the details of the files' lines are not (yet). */
export const DETAILS_PENDING = 'details_pending';

/** Whether a usage-first build stopped before its details were in. */
export function detailsPending(db: Db): boolean {
  return getMeta(db, DETAILS_PENDING) !== null;
}

export interface PhasedOptions {
  /** Responses first, the details after (a first build of a large history). */
  usageFirst?: boolean;
  /** Every file from its start (the details of a usage-first build that stopped half way). */
  fromStart?: boolean;
  /** The responses are in: reports and the token and cost figures can answer. */
  onUsable?: () => void | Promise<void>;
  onProgress?: BuildOptions['onProgress'];
}

/** The build, then the kept blocks and report sums: in two passes with `usageFirst`. */
export async function buildInPhases(db: Db, files: readonly BuildFile[], pricer: Pricer, o: PhasedOptions = {}): Promise<BuildResult> {
  let fromStart = o.fromStart === true;
  if (o.usageFirst) {
    setMeta(db, DETAILS_PENDING, String(Date.now()));
    await buildHistory(db, files, pricer, { usageOnly: true, onProgress: o.onProgress });
    // Committed: the reports answer now, folding every row until the blocks and sums are kept.
    await o.onUsable?.();
    keep(db);
    fromStart = true;
  }
  const done = await buildHistory(db, files, pricer, { fromStart, onProgress: o.onProgress });
  if (fromStart) deleteMeta(db, DETAILS_PENDING);
  keep(db);
  return done;
}

function keep(db: Db): void {
  keepBlocks(db);
  keepReportSlots(db);
}
