// The kept report sums equal a fresh grouping of the responses, to the last digit, through every
// kind of change a writer makes (new responses, a later copy that replaces one with another time,
// model, session, cost or synthetic flag, updates, deletes), and the reports read from them equal
// the reports read from the responses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateCorpus } from '../generate/index.js';
import { REPORT_KINDS, report } from '../sinks/reports/report.js';
import { openHistory, type Db } from './db.js';
import { ingestPaths, reprice, transcriptFiles } from './ingest.js';
import { Pricer } from './pricing.js';
import { dropReportSlots, fillReportSlots, GROUPED_RESPONSES, keepReportSlots, reportSlotsKept } from './report-slots.js';
import { exportJson, importText } from './transfer.js';
import { RESPONSE_COLUMNS, Writer, type ResponseRow } from './writer.js';
import { tempDir } from '../../test/helpers/cli.js';

const ORDER = 'ORDER BY slot, model, session, project';
const kept = (db: Db) => db.prepare(`SELECT * FROM report_slots ${ORDER}`).all();
const fresh = (db: Db) => db.prepare(`SELECT * FROM (${GROUPED_RESPONSES}) ${ORDER}`).all();

/** The writer's own statement (writer.ts), with every column given here: Writer.save would price the rows. */
const putter = (db: Db) => db.prepare(`INSERT OR REPLACE INTO responses (${RESPONSE_COLUMNS.join(', ')}) VALUES (${RESPONSE_COLUMNS.map((c) => '@' + c).join(', ')})`);

/** A small deterministic generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function generatedHistory(name: string) {
  const home = await tempDir(`report-slots-${name}`);
  await generateCorpus({ outDir: home, seed: 11, targetBytes: 2 * 1024 * 1024, start: new Date('2026-05-01T00:00:00Z'), end: new Date('2026-05-06T00:00:00Z') });
  const h = openHistory(await tempDir(`report-slots-${name}-state`));
  ingestPaths(h.db, transcriptFiles([home]));
  return h;
}

function reports(db: Db): string {
  const out = [];
  for (const kind of REPORT_KINDS) {
    out.push(report(db, kind, { tz: 'UTC' }), report(db, kind, { tz: 'Asia/Kolkata', since: '2026-05-02', until: '2026-05-04' }));
  }
  const project = (db.prepare('SELECT project FROM responses LIMIT 1').get() as { project: string }).project;
  out.push(report(db, 'daily', { tz: 'America/New_York', project }));
  return JSON.stringify(out);
}

test('the kept sums stay equal to a fresh grouping through inserts, replacements, updates and deletes', async () => {
  const h = await generatedHistory('ops');
  const db = h.db;
  assert.equal(reportSlotsKept(db), false, 'empty until filled');
  const before = reports(db);
  assert.equal(fillReportSlots(db), true);
  assert.equal(reportSlotsKept(db), true);
  assert.equal(fillReportSlots(db), false, 'filled once');
  assert.ok(kept(db).length > 20, `groups: ${kept(db).length}`);
  assert.deepEqual(kept(db), fresh(db));
  assert.equal(reports(db), before, 'the reports from the kept sums are the reports from the responses');

  const rows = db.prepare('SELECT * FROM responses').all() as ResponseRow[];
  const models = [...new Set(rows.map((r) => r.model))];
  const put = putter(db);
  const rnd = random(20261206);
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)];
  const counts = { insert: 0, replace: 0, update: 0, delete: 0 };
  for (let i = 0; i < 400; i++) {
    const base = pick(rows);
    const op = rnd();
    if (op < 0.3) {
      // A new response, near another one or in a slot of its own.
      put.run({ ...base, key: `new-${i}`, at: base.at + Math.floor((rnd() - 0.5) * 3_600_000), cost: rnd() < 0.2 ? null : rnd() * 3 });
      counts.insert++;
    } else if (op < 0.65) {
      // A later copy of a stored response: the same key, another slot, model, session, flag or cost.
      const cur = db.prepare('SELECT * FROM responses ORDER BY random() LIMIT 1').get() as ResponseRow;
      put.run({
        ...cur,
        at: rnd() < 0.5 ? cur.at : cur.at + Math.floor(rnd() * 2_000_000),
        model: rnd() < 0.2 ? pick(models) : cur.model,
        session: rnd() < 0.1 ? `moved-${i}` : cur.session,
        synthetic: rnd() < 0.1 ? 1 - cur.synthetic : cur.synthetic,
        output: cur.output + Math.floor(rnd() * 100),
        cost: rnd() < 0.1 ? null : (cur.cost ?? 0) + rnd(),
      });
      counts.replace++;
    } else if (op < 0.85) {
      db.prepare('UPDATE responses SET at = at + ?, cost = ?, project = CASE WHEN ? THEN project || \'-x\' ELSE project END WHERE key = (SELECT key FROM responses ORDER BY random() LIMIT 1)').run(
        Math.floor(rnd() * 1_800_000),
        rnd() < 0.2 ? null : rnd() * 2,
        rnd() < 0.2 ? 1 : 0,
      );
      counts.update++;
    } else {
      db.prepare('DELETE FROM responses WHERE key = (SELECT key FROM responses ORDER BY random() LIMIT 1)').run();
      counts.delete++;
    }
    if (i % 20 === 19) assert.deepEqual(kept(db), fresh(db), `after ${i + 1} changes (${JSON.stringify(counts)})`);
  }
  assert.ok(Object.values(counts).every((n) => n > 40), JSON.stringify(counts));
  assert.deepEqual(kept(db), fresh(db));
  const fromKept = reports(db);
  dropReportSlots(db);
  assert.equal(reportSlotsKept(db), false);
  assert.equal(reports(db), fromKept, 'the same reports from the responses');
  h.close();
});

test('a single response replaced, a history emptied: an empty table is never read, and reads again once filled', async () => {
  const h = openHistory(await tempDir('report-slots-one'));
  const db = h.db;
  const put = putter(db);
  const w = { save: (r: ResponseRow) => put.run(r) };
  const row = (over: Partial<ResponseRow>): ResponseRow => ({
    key: 'a', at: Date.parse('2026-05-01T10:00:00Z'), model: 'claude-sonnet-4-5', input: 10, output: 20, cache_create: 0, cache_5m: 0, cache_1h: 0, cache_read: 5,
    thinking: 0, thinking_reported: 0, visible_chars: 0, cost: 0.25, cache_saved: null, project: 'p', session: 's', agent: null, sidechain: 0, synthetic: 0, speed: 0, stop_reason: null, ...over,
  });
  w.save(row({}));
  assert.equal(fillReportSlots(db), true);
  // The one group leaves for another slot: for a moment the table is empty, so it is "not made".
  w.save(row({ at: Date.parse('2026-05-01T12:00:00Z'), output: 30 }));
  assert.ok(!reportSlotsKept(db) || JSON.stringify(kept(db)) === JSON.stringify(fresh(db)));
  assert.equal(report(db, 'daily', { tz: 'UTC' }).totals.outputTokens, 30, 'the replaced copy counts once');
  keepReportSlots(db);
  assert.deepEqual(kept(db), fresh(db));
  w.save(row({ key: 'b', at: Date.parse('2026-05-01T12:05:00Z'), cost: 0.1 }));
  const daily = report(db, 'daily', { tz: 'UTC' });
  assert.equal(daily.totals.totalCost, 0.35, 'nano-dollar sums: 0.25 + 0.1 is 0.35, not 0.35000000000000003');
  assert.equal(daily.daily?.[0].modelBreakdowns[0].cost, 0.35);
  db.exec('DELETE FROM responses');
  assert.equal(reportSlotsKept(db), false, 'nothing left to sum');
  assert.deepEqual(report(db, 'daily', { tz: 'UTC' }).daily, []);
  h.close();
});

test('a reprice sums again once (the table emptied, then filled), with the new costs', async () => {
  const h = await generatedHistory('reprice');
  const db = h.db;
  fillReportSlots(db);
  const costBefore = report(db, 'monthly', { tz: 'UTC' }).totals.totalCost;
  // The user's prices for every model in the history: every stored cost changes.
  const models = (db.prepare('SELECT DISTINCT model FROM responses').pluck().all() as string[]);
  const mine = new Pricer(Object.fromEntries(models.map((m) => [m, { input: 1, output: 2, cache_write_5m: 1, cache_write_1h: 1, cache_read: 0.1 }])));
  assert.equal(reprice(new Writer(db, mine)), true);
  assert.equal(reportSlotsKept(db), false, 'emptied for the reprice, not recomputed a response at a time');
  keepReportSlots(db);
  assert.equal(reportSlotsKept(db), true);
  assert.deepEqual(kept(db), fresh(db));
  const costAfter = report(db, 'monthly', { tz: 'UTC' }).totals.totalCost;
  const direct = db.prepare('SELECT sum(CAST(round(cost * 1e9) AS INTEGER)) FROM responses WHERE synthetic = 0 AND cost IS NOT NULL').pluck().get() as number;
  assert.notEqual(costAfter, costBefore);
  assert.equal(costAfter, direct / 1e9);
  h.close();
});

test("another machine's export merged in keeps the sums equal, a few responses or many", async () => {
  const from = await generatedHistory('export');
  const doc = exportJson(from.db);
  from.close();
  assert.ok(doc.responses.length > 100, `${doc.responses.length} responses`);
  // Its sessions under other keys, a few, or many copies a day apart: new groups, and old ones grown.
  const few = doc.responses.slice(0, 50).map((r) => ({ ...r, key: `few-${r.key}`, at: r.at + 60_000 }));
  const many = Array.from({ length: 25 }, (_, day) => doc.responses.map((r) => ({ ...r, key: `day${day}-${r.key}`, at: r.at + day * 86_400_000 }))).flat();
  assert.ok(many.length > 2000, 'more than an import recomputes a group at a time');
  for (const rows of [few, many]) {
    const h = await generatedHistory(`import-${rows.length}`);
    fillReportSlots(h.db);
    const r = importText(h.db, JSON.stringify({ ...doc, responses: rows }));
    assert.equal(r.responses_new, rows.length);
    assert.equal(reportSlotsKept(h.db), true, 'kept through the import, or made again after it');
    assert.deepEqual(kept(h.db), fresh(h.db), `${rows.length} responses imported`);
    h.close();
  }
});
