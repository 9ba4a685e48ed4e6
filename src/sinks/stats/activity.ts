// Time and work shape: 5-hour blocks, sessions (and all-nighters), tools and their failures.
import type { Block, BlockEntry } from '../../core/blocks.js';
import { computeBlocks } from '../../engine/blocks.js';
import type { Db } from '../../store/db.js';
import { historyBlocks } from '../../store/history-blocks.js';
import { fromTheStart, where, type Filter } from './filter.js';
import { rangeKey, remembered } from './memo.js';
import { localParts } from './time.js';

/** A block as the panel shows it. */
interface BlockRow {
  start: string;
  end: string;
  first_at: string | null;
  last_at: string | null;
  active: boolean;
  responses: number;
  tokens: number;
  cost: number | null;
  pct_of_ceiling: number | null;
  models: string[];
}

/**
 * ccusage's blocks over the range, with the ceiling the 5H PLAN gauge uses. Over all time and every
 * project (the page's default), the blocks the history keeps (store/history-blocks.ts, what
 * `blocks --from history` prints): the rows' fold read 111k rows into JavaScript at 2 GB
 * (0.5-0.65 s; now 0.3). Both ways fold the same rows; only equal times can order a block's models
 * differently (the kept fold breaks such ties as the scan does).
 */
export function blocks(db: Db, f: Filter, ceiling: number | null, now = Date.now()): { ceiling: number | null; rows: BlockRow[] } {
  const newest = db.prepare('SELECT max(at) FROM responses').pluck().get() as number | null;
  if (fromTheStart(f) && !f.project && (newest === null || newest < f.to)) return keptBlocks(db, ceiling, now);
  return blocksFromRows(db, f, ceiling, now);
}

function row(b: Block, cost: number | null, ceiling: number | null): BlockRow {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    start: new Date(b.start).toISOString(),
    end: new Date(b.end).toISOString(),
    first_at: iso(b.firstAt),
    last_at: iso(b.actualEnd),
    active: b.isActive,
    responses: b.entries,
    tokens: b.totalTokens,
    cost: cost === null ? null : Math.round(cost * 1e6) / 1e6,
    pct_of_ceiling: ceiling ? Math.round((b.totalTokens / ceiling) * 10_000) / 10_000 : null,
    models: b.models,
  };
}

/**
 * Every block from the history's kept ones; each one's cost summed here as the rows' fold sums it
 * (in time order, equal times by rowid: costs are multiples of small prices, and SQLite's own
 * compensated sum rounded differently at the sixth decimal in 2 of 69 blocks at 2 GB).
 */
function keptBlocks(db: Db, ceiling: number | null, now: number): { ceiling: number | null; rows: BlockRow[] } {
  return db.transaction(() => {
    const kept = historyBlocks(db, now).filter((b) => !b.isGap);
    const priced = db.prepare('SELECT at, cost FROM responses WHERE cost IS NOT NULL ORDER BY at, rowid').raw(true).all() as [number, number][];
    let i = 0;
    const rows = kept.map((b) => {
      while (i < priced.length && priced[i][0] < b.start) i++;
      let cost: number | null = null;
      for (; i < priced.length && priced[i][0] < b.end; i++) cost = (cost ?? 0) + priced[i][1];
      return row(b, cost, ceiling);
    });
    return { ceiling, rows };
  })();
}

/** The blocks of the range's rows, folded here. */
export function blocksFromRows(db: Db, f: Filter, ceiling: number | null, now = Date.now()): { ceiling: number | null; rows: BlockRow[] } {
  const w = where(f);
  // As arrays: an object per row cost as much again as the query (2 GB: 280 against 160 ms). Equal
  // times in the time index's order (rowid), whether the rows are read through it or sorted (where()).
  const rows = (db.prepare(`SELECT at, model, input, output, cache_create, cache_read, synthetic, cost FROM responses WHERE ${w.sql} ORDER BY at, rowid`).raw(true).all(...w.params) as [number, string, number, number, number, number, number, number | null][]).map(
    ([at, model, input, output, cacheCreation, cacheRead, synthetic, cost]) => ({ at, model, synthetic: synthetic === 1, tokens: { input, output, cacheCreation, cacheRead }, cost }),
  );
  const entries: BlockEntry[] = rows;
  // The rows are in time order and the blocks too, apart: each block's costs are the run of rows
  // from where the last one's ended (a search of every row per block took 0.3 s at 2 GB).
  let from = 0;
  const out = computeBlocks(entries, now)
    .filter((b) => !b.isGap)
    .map((b) => {
      while (from < rows.length && rows[from].at < b.start) from++;
      let to = from;
      while (to < rows.length && rows[to].at < b.end) to++;
      const inBlock = rows.slice(from, to);
      from = to;
      return row(b, inBlock.some((c) => c.cost !== null) ? inBlock.reduce((s, c) => s + (c.cost ?? 0), 0) : null, ceiling);
    });
  return { ceiling, rows: out };
}

interface SessionRow {
  session: string;
  project: string;
  first_at: number;
  last_at: number;
  responses: number;
  subagent_responses: number;
  tokens: number;
  cost: number | null;
}

function sessionRows(db: Db, f: Filter): SessionRow[] {
  const w = where(f);
  return db
    .prepare(
      `SELECT session, min(project) project, min(at) first_at, max(at) last_at, count(*) responses,
        sum(CASE WHEN agent IS NOT NULL OR sidechain = 1 THEN 1 ELSE 0 END) subagent_responses,
        sum(input + output + cache_create + cache_read) tokens, sum(cost) cost
       FROM responses WHERE ${w.sql} AND synthetic = 0 AND session <> '' GROUP BY session ORDER BY first_at`,
    )
    .all(...w.params) as SessionRow[];
}

/** Does [a, b] contain a local 2 am? A session working through it is an all-nighter. */
export function crosses2am(a: number, b: number, tz: string): boolean {
  for (let t = a; t <= b; t += 15 * 60_000) if (localParts(t, tz).hour === 2) return true;
  return localParts(b, tz).hour === 2;
}

const BUCKETS: [string, number][] = [['< 5 min', 5], ['5-30 min', 30], ['30-60 min', 60], ['1-2 h', 120], ['2-4 h', 240], ['4-8 h', 480], ['> 8 h', Infinity]];

/** Sessions in the range (the character panel's all-nighters read them too). */
export function sessions(db: Db, f: Filter) {
  return remembered(db, `sessions|${rangeKey(db, f)}|${f.tz}`, () => sessionsNow(db, f));
}

function sessionsNow(db: Db, f: Filter) {
  const rows = sessionRows(db, f);
  const w = where(f);
  const prompts = new Map((db.prepare(`SELECT session, count(*) n FROM texts WHERE side = 'user' AND ${w.sql} GROUP BY session`).all(...w.params) as { session: string; n: number }[]).map((r) => [r.session, r.n]));
  const list = rows.map((r) => {
    const minutes = (r.last_at - r.first_at) / 60_000;
    return {
      session: r.session,
      project: r.project,
      start: new Date(r.first_at).toISOString(),
      end: new Date(r.last_at).toISOString(),
      minutes: Math.round(minutes * 10) / 10,
      responses: r.responses,
      prompts: prompts.get(r.session) ?? 0,
      subagent_responses: r.subagent_responses,
      tokens: r.tokens,
      cost: r.cost === null ? null : Math.round(r.cost * 1e6) / 1e6,
      all_nighter: r.last_at - r.first_at < 24 * 3_600_000 && crosses2am(r.first_at, r.last_at, f.tz),
    };
  });
  const mins = list.map((s) => s.minutes).sort((a, b) => a - b);
  const median = mins.length ? mins[Math.floor(mins.length / 2)] : 0;
  return {
    count: list.length,
    median_minutes: median,
    longest_minutes: mins.length ? mins[mins.length - 1] : 0,
    mean_responses: list.length ? Math.round((list.reduce((s, x) => s + x.responses, 0) / list.length) * 10) / 10 : 0,
    all_nighters: list.filter((s) => s.all_nighter).length,
    length_histogram: BUCKETS.map(([bucket, max], i) => ({ bucket, sessions: list.filter((s) => s.minutes < max && (i === 0 || s.minutes >= BUCKETS[i - 1][1])).length })),
    rows: list,
  };
}

export function tools(db: Db, f: Filter) {
  const w = where(f, 't');
  // Over a range from the beginning SQLite would walk the calls by the name index to group them
  // without sorting, each row read out of the table's order: 2 GB 0.49-0.64 s, 0.32-0.44 s in
  // table order (where() keeps `at` out of the index then too).
  const rows = db
    .prepare(
      `SELECT t.name AS name, count(*) calls, sum(CASE WHEN r.is_error = 1 THEN 1 ELSE 0 END) failures, count(r.id) answered
       FROM tool_uses t ${fromTheStart(f) ? 'NOT INDEXED ' : ''}LEFT JOIN tool_results r ON r.id = t.id WHERE ${w.sql} GROUP BY t.name ORDER BY calls DESC`,
    )
    .all(...w.params) as { name: string; calls: number; failures: number; answered: number }[];
  return { rows: rows.map((r) => ({ ...r, failure_rate: r.answered ? Math.round((r.failures / r.answered) * 10_000) / 10_000 : null })) };
}
