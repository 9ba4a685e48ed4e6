// What `daily`, `weekly`, `monthly` and `session` share: the flags, where the rows come from, and
// the output. The rows come from the daemon's durable history when it has read every transcript
// to its end (store/current.ts), and otherwise from the transcripts themselves: scanned as `blocks`
// scans them (for sessions and --project, copies folded in the history's order), or, for
// --project over transcripts outside any project folder, read by the first build's reader into a
// history in memory (its responses alone). Same fold, same prices, so the answer does not depend
// on which was used. The transcripts' readers (the scan, the engine, the first build's reader) load
// at their first use: an answer from the history needs none of them.
import { defineCommand, type ArgsDef } from 'citty';
import { configFrom, tellProblems } from '../args.js';
import { fail } from '../fail.js';
import type { Config } from '../../config/index.js';
import { discover } from '../../sources/transcripts/discover.js';
import { currentHistory, FROM_HELP, wantFrom, type RowSource, type Want } from '../from-history.js';
import { migrate, type Db } from '../../store/db.js';
import { newDatabase } from '../../store/native-sqlite.js';
import { loadOverrides, Pricer } from '../../store/pricing.js';
import { rateBookFile } from '../../store/rate-book.js';
import { folderProjectOf } from '../../sources/transcripts/project-folder.js';
import { namesProject, reportDate, report, reportOfSlots, type Report, type ReportKind, type ReportOptions, type SlotRow } from '../../sinks/reports/report.js';
import type { SlotEntry } from '../../sinks/reports/entry-slots.js';
import { sessionIdOf } from '../../core/response-fold.js';
import { reportTable } from '../../sinks/reports/table.js';
import { zoneOrDefault } from '../../sinks/stats/time.js';

export const reportArgs = {
  json: { type: 'boolean', description: "JSON with ccusage 20's field names" },
  since: { type: 'string', description: 'from this local date, inclusive (YYYYMMDD or YYYY-MM-DD)' },
  until: { type: 'string', description: 'through this local date, inclusive (YYYYMMDD or YYYY-MM-DD)' },
  timezone: { type: 'string', description: 'IANA time zone for days, weeks, months and the dates above (default: this machine\'s)' },
  breakdown: { type: 'boolean', description: 'a line per model under each row of the table (JSON always has modelBreakdowns)' },
  project: { type: 'string', description: 'only this project: its folder under projects/, its directory, or that directory\'s name' },
  from: { type: 'string', description: FROM_HELP },
} satisfies ArgsDef;

/** The report of `kind`, and which answered: the current history, else the transcripts. */
async function answer(config: Config, kind: ReportKind, want: Want, o: ReportOptions): Promise<{ report: Report; from: RowSource }> {
  const history = await historyToReport(config, want);
  if (history) {
    try {
      return { report: report(history.db, kind, o), from: 'history' };
    } finally {
      history.close();
    }
  }
  // Days, weeks and months need no more of a response than `blocks` does: its scan (the same fold
  // and prices), summed by slot as the history sums them; sessions the same scan with each
  // response's session and project folder, its copies folded in the history's order, and so
  // --project too (its folders' directories read from their first lines).
  const slots = o.project ? await projectSlots(config, kind, o.project) : await scannedSlots(config, kind === 'session');
  if (slots) return { report: reportOfSlots(slots, kind, o), from: 'transcripts' };
  // Transcripts outside a project folder: a response's project is its line's directory, which
  // only the history's reader keeps.
  const db = await transcriptsDb(config);
  try {
    return { report: report(db, kind, o), from: 'transcripts' };
  } finally {
    db.close();
  }
}

/** The durable history when it is current and priced as now (or asked for by --from history), else null. */
async function historyToReport(config: Config, want: Want): Promise<{ db: Db; close(): void } | null> {
  const history = await currentHistory(config, want);
  if (!history) return null;
  // Its costs were stored under the prices then in force; after a change to prices.json (the
  // daemon reprices at its next start) `auto` reads the transcripts at today's prices.
  const { pricedAsNow } = await import('../../store/history-blocks.js');
  const priced = pricedAsNow(history.db);
  if (!priced && want === 'history') process.stderr.write('(the history\'s costs are under older prices: the daemon reprices them at its next start)\n');
  if (priced || want === 'history') return history;
  history.close();
  return null;
}

/**
 * The transcripts scanned as `blocks` scans them, every response summed into its slot (and with
 * `bySession` its session and project folder, the copies folded in the history's order).
 */
function scannedSlots(config: Config, bySession: boolean): Promise<SlotRow[]> {
  return pricedSlots(config, () => (bySession ? sessionEntries(config) : engineEntries(config)), bySession);
}

/**
 * --project from the scan: every response with its project folder, folded in the history's order
 * (the copy the history keeps names the project), then those of the folders `name` names; null
 * when a transcript lies outside any project folder (see answer()).
 */
async function projectSlots(config: Config, kind: ReportKind, name: string): Promise<SlotRow[] | null> {
  const listed = discover(config.configDirs).files;
  if (listed.some((f) => folderProjectOf(f.path) === '')) return null;
  const named = async () => {
    const entries = await sessionEntries(config);
    const folders = new Set(entries.map((e) => e.project ?? ''));
    const { firstDirectories } = await import('../../store/project-dirs.js');
    const dirs = firstDirectories(listed.map((f) => f.path), folders);
    const wanted = new Set([...folders].filter((f) => namesProject(name, f, dirs.get(f) ?? null)));
    return entries.filter((e) => wanted.has(e.project ?? ''));
  };
  return pricedSlots(config, named, kind === 'session');
}

/** The entries summed into slots at the table's prices (loaded while they are read), the rates learned kept for the next run. */
async function pricedSlots(config: Config, entries: () => Promise<readonly SlotEntry[]>, bySession: boolean): Promise<SlotRow[]> {
  const [{ loadPriceFn }, { entrySlots }] = await Promise.all([import('../../daemon/older-history.js'), import('../../sinks/reports/entry-slots.js')]);
  const pricing = loadPriceFn((problem) => void process.stderr.write(`${problem}\n`), config.stateDir);
  const read = await entries();
  const { price, saveRates } = await pricing;
  const slots = entrySlots(read, price, bySession);
  await saveRates();
  return slots;
}

async function engineEntries(config: Config): Promise<readonly SlotEntry[]> {
  const { loadEngine } = await import('../../daemon/load.js');
  const { engine, source } = await loadEngine(config, { turns: false });
  tellProblems(source.health().problems);
  return engine.responseEntries();
}

async function sessionEntries(config: Config): Promise<SlotEntry[]> {
  const { loadResponses } = await import('../../daemon/load.js');
  const { responses, problems } = await loadResponses(config);
  tellProblems(problems);
  // As the engine makes a response's entry (its counts not copied: nothing here changes them).
  return responses.map((e) => ({ at: e.at, model: e.model, tokens: e.tokens, synthetic: e.synthetic, sidechain: e.sidechain, speed: e.speed, cache1h: e.cacheCreation1h, session: sessionIdOf(e), project: e.project }));
}

/**
 * The transcripts read into a history in memory by the first build's bulk reader: responses and
 * the projects' directories (which --project names them by), the rows as the ingest makes them.
 */
async function transcriptsDb(config: Config): Promise<Db> {
  const db = newDatabase(':memory:');
  migrate(db);
  const found = discover(config.configDirs);
  const pricer = new Pricer(loadOverrides(), { rateBook: rateBookFile(config.stateDir) });
  const { buildHistory } = await import('../../store/build.js');
  const read = await buildHistory(db, found.files.map((f) => ({ path: f.path, size: f.size })), pricer, { usageOnly: true });
  // What could not be read is said, not silently left out of the totals.
  tellProblems([...new Set([...found.problems, ...read.problems])]);
  await pricer.saveRates((problem) => void process.stderr.write(`${problem}\n`));
  return db;
}

const DESCRIPTIONS: Record<ReportKind, string> = {
  daily: "Tokens and cost per local day (ccusage daily's fields; progress mirrors never count: README, Reports)",
  weekly: "Tokens and cost per week, Monday first (ccusage weekly's fields; progress mirrors never count)",
  monthly: "Tokens and cost per month (ccusage monthly's fields; progress mirrors never count)",
  session: 'Tokens and cost per session (ccusage session)',
};

export function reportCommand(kind: ReportKind) {
  return defineCommand({
    meta: { name: kind, description: DESCRIPTIONS[kind] },
    args: reportArgs,
    async run({ args }) {
      const { tz, known } = zoneOrDefault(args.timezone);
      if (!known) fail(`${kind}: unknown time zone ${JSON.stringify(tz)} (an IANA name, e.g. Europe/Rome)`, 2);
      const date = (flag: 'since' | 'until') => {
        const v = args[flag];
        if (!v) return null;
        return reportDate(v) ?? fail(`${kind}: --${flag} ${JSON.stringify(v)} is not a date (YYYYMMDD or YYYY-MM-DD)`, 2);
      };
      const since = date('since');
      const until = date('until');
      if (since && until && until < since) fail(`${kind}: --until is before --since`, 2);
      const want = wantFrom(kind, args.from);
      const config = configFrom({});
      const { report: r, from } = await answer(config, kind, want, { tz, since, until, project: args.project ?? null });
      process.stdout.write((args.json ? JSON.stringify(r, null, 2) : reportTable(r, kind, { breakdown: args.breakdown })) + '\n');
      // On stderr, JSON or not (as `blocks` does): which one answered.
      process.stderr.write(`(from the ${from === 'history' ? 'history' : 'transcripts'}, ${tz})\n`);
    },
  });
}
