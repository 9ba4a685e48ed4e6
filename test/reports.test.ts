// daily, weekly, monthly and session against ccusage 20.0.24 on the fixtures and a generated
// history, in three zones (UTC, one with summer time, one half an hour off). One rule counts
// here: a response once, from its own lines. ccusage's session report follows it; its
// daily/weekly/monthly also read `progress` mirrors (a response known only from a mirror counts,
// and a mirror's copy beats the subagent's own), so there the gap must equal exactly what the
// mirrors change, computed here without our code.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import Database from 'better-sqlite3';
import { generateCorpus } from '../src/generate/corpus.js';
import { discover } from '../src/sources/transcripts/discover.js';
import { migrate, openHistory, type Db } from '../src/store/db.js';
import { fillReportSlots } from '../src/store/report-slots.js';
import { ingestPaths } from '../src/store/ingest.js';
import { report, type ReportKind } from '../src/sinks/reports/report.js';
import { FIXTURES, ROOT, fixtureCopy, isolatedEnv, runCli, tempDir } from './helpers/cli.js';
import { ccusageSkip, ourBlocks } from './helpers/ccusage.js';
import { assistant } from './helpers/lines.js';

const CCUSAGE = path.join(ROOT, 'node_modules', '.bin', 'ccusage');
const ZONES = ['UTC', 'America/Los_Angeles', 'Asia/Kolkata'];
const PERIODS = ['daily', 'weekly', 'monthly'] as const;

function ccusage(kind: ReportKind, home: string, tz: string, extra: string[] = []): Promise<any> {
  return new Promise((resolve, reject) =>
    execFile(CCUSAGE, [kind, '--json', '--offline', '--timezone', tz, ...extra], { env: isolatedEnv({ CLAUDE_CONFIG_DIR: home, TZ: tz }), maxBuffer: 256 << 20 }, (err, out) =>
      err ? reject(err) : resolve(JSON.parse(out)),
    ),
  );
}

/** The period of an instant in a zone, by Intl alone: the local date, its Monday, its month. */
function periodOf(kind: 'daily' | 'weekly' | 'monthly', ms: number, tz: string): string {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short' }).formatToParts(ms).map((p) => [p.type, p.value]));
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  if (kind === 'daily') return date;
  if (kind === 'monthly') return date.slice(0, 7);
  const back = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday);
  return new Date(Date.parse(`${date}T00:00:00Z`) - back * 86_400_000).toISOString().slice(0, 10);
}

interface Corpus {
  home: string;
  db: Db;
  /** Where ccusage's daily rule differs from ours, per response: tokens added (or taken) at an instant. */
  dailyGap: { at: number; tokens: number }[];
  /** ccusage's session (a file's name, or the folder of a subagents/ file) to the sessionId its lines carry. */
  sessionOf: Map<string, string>;
}

interface Copy {
  at: number;
  total: number;
  side: boolean;
}
/** Main thread over subagent, then the larger: the rule both apply to the copies each counts. */
const better = (a: Copy, b: Copy | undefined) => !b || (a.side !== b.side ? !a.side : a.total > b.total);

/**
 * Without our code: per response, the copy we count (its own lines only) and the copy ccusage's
 * daily counts (its own lines and the `progress` mirrors in the parent, a mirror counting as the
 * main thread's, so it beats a subagent's own, even larger, final copy).
 */
function readCorpus(home: string): Omit<Corpus, 'db' | 'home'> {
  const own = new Map<string, Copy>();
  const withMirrors = new Map<string, Copy>();
  const sessionOf = new Map<string, string>();
  for (const f of discover([home]).files) {
    const dir = path.dirname(f.path);
    const period = path.basename(dir) === 'subagents' ? path.basename(path.dirname(dir)) : path.basename(f.path, '.jsonl');
    for (const line of readFileSync(f.path, 'utf8').split('\n')) {
      let r: any;
      try {
        r = JSON.parse(line);
      } catch {
        continue;
      }
      if (typeof r?.sessionId === 'string' && !sessionOf.has(period)) sessionOf.set(period, r.sessionId);
      const inner = r?.type === 'progress' ? r.data?.message : null;
      const rec = r?.type === 'assistant' ? r : inner?.type === 'assistant' ? inner : null;
      const u = rec?.message?.usage;
      if (!u) continue;
      const key = `${rec.message.id}:${rec.requestId ?? r.requestId}`;
      const copy = { at: Date.parse(rec.timestamp), total: (u.input_tokens ?? 0) + (u.output_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0), side: r.isSidechain === true };
      if (rec === r && better(copy, own.get(key))) own.set(key, copy);
      if (better(copy, withMirrors.get(key))) withMirrors.set(key, copy);
    }
  }
  const dailyGap: Corpus['dailyGap'] = [];
  for (const [key, theirs] of withMirrors) {
    const ours = own.get(key);
    if (ours && ours.total === theirs.total && ours.at === theirs.at) continue;
    dailyGap.push({ at: theirs.at, tokens: theirs.total });
    if (ours) dailyGap.push({ at: ours.at, tokens: -ours.total });
  }
  return { dailyGap, sessionOf };
}

function load(home: string): Corpus {
  const db = new Database(':memory:');
  migrate(db);
  ingestPaths(db, discover([home]).files.map((f) => f.path));
  return { home, db, ...readCorpus(home) };
}

const totalsBy = (rows: any[], key: (p: string) => string = (p) => p) => {
  const out: Record<string, number> = {};
  for (const r of rows) out[key(r.period)] = (out[key(r.period)] ?? 0) + r.totalTokens;
  return out;
};

const corpora: Record<string, Corpus> = {};
before(async () => {
  corpora.fixtures = load(FIXTURES);
  const gen = await tempDir('reports-gen');
  // Across the US change to summer time (2026-03-08) and a month's end.
  await generateCorpus({ outDir: gen, seed: 18, targetBytes: 3 * 1024 * 1024, start: new Date('2026-02-25T00:00:00Z'), end: new Date('2026-03-12T00:00:00Z'), uniquePrefix: 'reports' });
  corpora.generated = load(gen);
});

for (const name of ['fixtures', 'generated']) {
  for (const tz of ZONES) {
    test(`${name}, ${tz}: daily, weekly, monthly equal ccusage's but for what it takes from progress mirrors, to the token`, { skip: ccusageSkip }, async () => {
      const c = corpora[name];
      for (const kind of PERIODS) {
        const ours = totalsBy(report(c.db, kind, { tz })[kind]!);
        const theirs = totalsBy((await ccusage(kind, c.home, tz))[kind]);
        const gap: Record<string, number> = {};
        for (const g of c.dailyGap) gap[periodOf(kind, g.at, tz)] = (gap[periodOf(kind, g.at, tz)] ?? 0) + g.tokens;
        assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort(), `${kind}: the same periods`);
        for (const p of Object.keys(theirs)) assert.equal(theirs[p] - ours[p], gap[p] ?? 0, `${kind} ${p}: the gap is what ccusage takes from mirrors`);
      }
    });
  }
  test(`${name}: session equals ccusage's session to the token`, { skip: ccusageSkip }, async () => {
    const c = corpora[name];
    const r = report(c.db, 'session', { tz: 'UTC' });
    const theirs = await ccusage('session', c.home, 'UTC');
    // ccusage names a session by its file; its lines name the session Claude Code ran.
    assert.deepEqual(totalsBy(r.session!), totalsBy(theirs.session, (p) => c.sessionOf.get(p) ?? p));
    assert.equal(r.totals.totalTokens, theirs.totals.totalTokens);
    // The same rule as `blocks`: every report's total is the blocks' total.
    const blocks = await ourBlocks(c.home);
    assert.equal(r.totals.totalTokens, blocks.reduce((s: number, b: any) => s + b.totalTokens, 0));
    if (name === 'fixtures') assert.equal(c.dailyGap.reduce((s, g) => s + g.tokens, 0), 109_659, 'FACTS.md: the mirror-only responses of 2026-02-10');
  });
}

test('--since and --until cut by local date, inclusive, as ccusage does', { skip: ccusageSkip }, async () => {
  const c = corpora.generated;
  for (const tz of ['Asia/Kolkata', 'America/Los_Angeles']) {
    const all = report(c.db, 'daily', { tz }).daily!;
    const [since, until] = [all[2].period, all[all.length - 3].period];
    const cut = report(c.db, 'daily', { tz, since, until }).daily!;
    assert.deepEqual(cut, all.filter((d) => d.period >= since && d.period <= until));
    const theirs = await ccusage('daily', c.home, tz, ['--since', since.replace(/-/g, ''), '--until', until.replace(/-/g, '')]);
    assert.deepEqual(Object.keys(totalsBy(cut)), Object.keys(totalsBy(theirs.daily)));
    const weeks = report(c.db, 'weekly', { tz, since, until });
    assert.equal(weeks.totals.totalTokens, cut.reduce((s, d) => s + d.totalTokens, 0), 'a week cut at --since counts only the days inside');
  }
});

test('each row is the sum of its model breakdowns, and the totals the sum of the rows', () => {
  for (const kind of [...PERIODS, 'session'] as const) {
    const r = report(corpora.generated.db, kind, { tz: 'Asia/Kolkata' });
    for (const row of r[kind]!) {
      const m = row.modelBreakdowns;
      assert.equal(row.totalTokens, m.reduce((s, x) => s + x.inputTokens + x.outputTokens + x.cacheCreationTokens + x.cacheReadTokens, 0));
      assert.deepEqual(row.modelsUsed, m.map((x) => x.modelName));
    }
    assert.equal(r.totals.totalTokens, r[kind]!.reduce((s, x) => s + x.totalTokens, 0));
  }
});

test('the command: the history and the transcripts give the same JSON; a history behind is not used', async () => {
  const home = await fixtureCopy();
  const state = await tempDir('reports-state');
  const h = openHistory(state);
  ingestPaths(h.db, discover([home]).files.map((f) => f.path));
  h.close();
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state, CLAUDE_GAUGE_PRICES: path.join(state, 'prices.json') });
  // The transcripts are read for their usage lines alone (store/build.ts usageOnly); a project is
  // also named by its first directory's last name, which lines without usage state first.
  const h2 = openHistory(state, { readonly: true });
  const named = (h2.db.prepare("SELECT p.cwd FROM projects p WHERE p.folder IN (SELECT project FROM responses) ORDER BY p.folder LIMIT 1").get() as { cwd: string }).cwd.split('/').pop()!;
  h2.close();
  // From the responses, then from the sums the daemon keeps (store/report-slots.ts) once made.
  for (const sums of [false, true]) {
    if (sums) {
      const w = openHistory(state);
      assert.equal(fillReportSlots(w.db), true);
      w.close();
    }
    for (const [kind, ...more] of [['daily'], ['weekly'], ['monthly'], ['session'], ['session', '--project', named], ['daily', '--project', named]]) {
      const args = [kind, '--json', '--timezone', 'Asia/Kolkata', ...more];
      const fromHistory = await runCli([...args, '--from', 'history'], { env });
      const fromScan = await runCli([...args, '--from', 'transcripts'], { env });
      assert.equal(fromHistory.code, 0, fromHistory.stderr);
      assert.ok(JSON.parse(fromHistory.stdout).totals.totalTokens > 0, `${args.join(' ')}: something to compare`);
      assert.equal(fromHistory.stdout, fromScan.stdout, `${args.join(' ')}${sums ? ', from the kept sums' : ''}`);
    }
  }
  const auto = await runCli(['daily', '--breakdown', '--timezone', 'UTC'], { env });
  assert.match(auto.stderr, /from the history/);
  const lines = auto.stdout.split('\n');
  assert.equal(lines.filter((l) => l.startsWith('  └ ')).length, report(corpora.fixtures.db, 'daily', { tz: 'UTC' }).daily!.reduce((s, d) => s + d.modelBreakdowns.length, 0));
  assert.match(lines.find((l) => l.startsWith('total'))!, /83,930,673/);
  // Prices changed since the history stored its costs: `auto` reads the transcripts at today's.
  const models = (JSON.parse((await runCli(['daily', '--json'], { env })).stdout).daily as { modelsUsed: string[] }[]).flatMap((d) => d.modelsUsed);
  await fs.writeFile(path.join(state, 'prices.json'), JSON.stringify(Object.fromEntries([...new Set(models)].map((m) => [m, { input: 1, output: 1, cache_write_5m: 1, cache_write_1h: 1, cache_read: 1 }]))));
  const repriced = await runCli(['daily', '--json', '--timezone', 'UTC'], { env });
  assert.match(repriced.stderr, /from the transcripts/);
  assert.equal(JSON.parse(repriced.stdout).totals.totalCost, 83.930673, 'a dollar a million tokens');
  const stale = await runCli(['daily', '--json', '--timezone', 'UTC', '--from', 'history'], { env });
  assert.match(stale.stderr, /older prices/);
  await fs.rm(path.join(state, 'prices.json'));
  // A response written after the history was built: the history is behind, so the transcripts answer.
  const file = discover([home]).files.find((f) => f.path.endsWith('short.jsonl'))!.path;
  const last = JSON.parse((await fs.readFile(file, 'utf8')).trim().split('\n').filter((l) => l.includes('"usage"')).pop()!);
  last.message.id = 'msg_reports_after';
  last.timestamp = '2026-02-12T23:00:00.000Z';
  await fs.appendFile(file, JSON.stringify(last) + '\n');
  const behind = await runCli(['daily', '--json', '--timezone', 'UTC'], { env });
  assert.equal(behind.code, 0, behind.stderr);
  assert.ok(JSON.parse(behind.stdout).totals.totalTokens > 83_930_673, 'the new response counts');
  const bad = await runCli(['daily', '--since', '2026-13-01'], { env });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /not a date/);
});

test('--project over a transcript outside any project folder: its lines name their project, and both sources agree', async () => {
  // Such a line's project is its own directory (store/extract.ts), which the scan does not keep:
  // the transcripts are then read by the history's reader (cli/commands/report.ts transcriptsDb).
  const home = await fixtureCopy();
  const at = Date.parse('2026-02-10T08:00:00Z');
  const loose = [0, 1, 2].map((i) => JSON.stringify({ ...JSON.parse(assistant({ id: `loose-${i}`, req: `rl-${i}`, at: at + i * 60_000, input: 10, output: 100 * (i + 1), model: 'claude-sonnet-4-5-20250929' })), cwd: '/work/loose' }));
  await fs.writeFile(path.join(home, 'projects', 'loose.jsonl'), loose.join('\n') + '\n');
  const state = await tempDir('reports-loose');
  const h = openHistory(state);
  ingestPaths(h.db, discover([home]).files.map((f) => f.path));
  h.close();
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state, CLAUDE_GAUGE_PRICES: path.join(state, 'prices.json') });
  for (const kind of ['daily', 'session']) {
    const args = [kind, '--json', '--timezone', 'UTC', '--project', 'loose'];
    const fromHistory = await runCli([...args, '--from', 'history'], { env });
    const fromScan = await runCli([...args, '--from', 'transcripts'], { env });
    assert.equal(fromScan.code, 0, fromScan.stderr);
    assert.equal(JSON.parse(fromScan.stdout).totals.outputTokens, 600, `${kind}: the loose transcript's responses alone`);
    assert.equal(fromHistory.stdout, fromScan.stdout, kind);
  }
});

test('generated history: days, weeks, months and sessions scanned as blocks scans them equal the history\'s, to the byte, in every zone and cut', async () => {
  // Resumed sessions replaying responses, subagent copies, placeholders, junk and a summer-time
  // change: the scan (sinks/reports/entry-slots.ts) must sum exactly the rows the history groups.
  const home = corpora.generated.home;
  const state = await tempDir('reports-gen-state');
  const h = openHistory(state);
  ingestPaths(h.db, discover([home]).files.map((f) => f.path));
  h.close();
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state, CLAUDE_GAUGE_PRICES: path.join(state, 'prices.json') });
  // Sessions: each response's session and project folder, and a replayed response credited to the
  // session the history credits (core/response-fold.ts beatsWhole), whichever file is read first.
  for (const kind of ['daily', 'weekly', 'monthly', 'session']) {
    for (const more of [['--timezone', 'UTC'], ['--timezone', 'America/New_York', '--since', '20260301', '--until', '2026-03-09'], ['--timezone', 'Asia/Kolkata', '--breakdown']]) {
      const args = [kind, ...(more.includes('--breakdown') ? [] : ['--json']), ...more];
      const fromHistory = await runCli([...args, '--from', 'history'], { env });
      const fromScan = await runCli([...args, '--from', 'transcripts'], { env });
      assert.equal(fromScan.code, 0, fromScan.stderr);
      assert.match(fromScan.stderr, /from the transcripts/);
      assert.ok(fromHistory.stdout.length > 200, `${args.join(' ')}: something to compare`);
      assert.equal(fromScan.stdout, fromHistory.stdout, args.join(' '));
    }
  }
});

test('a replayed response is credited to the session the history credits, whichever file is read first', async () => {
  // A resumed session copies earlier responses, timestamps and all, into its own file. Here its file
  // sorts first by path and its sessionId last: read in path order (ccusage's rule, which blocks
  // and days keep) the copy would take the response from the session it was written in.
  const home = await fixtureCopy();
  const file = discover([home]).files.find((f) => f.path.endsWith('short.jsonl'))!.path;
  const original = (await fs.readFile(file, 'utf8')).split('\n').filter((l) => l.includes('"usage"')).map((l) => JSON.parse(l));
  const replay = original.map((r) => ({ ...r, sessionId: 'zzzz-resumed' }));
  await fs.writeFile(path.join(path.dirname(file), '0000-resumed.jsonl'), replay.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const state = await tempDir('reports-replay');
  const h = openHistory(state);
  ingestPaths(h.db, discover([home]).files.map((f) => f.path));
  h.close();
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state });
  const fromHistory = await runCli(['session', '--json', '--timezone', 'UTC', '--from', 'history'], { env });
  const fromScan = await runCli(['session', '--json', '--timezone', 'UTC', '--from', 'transcripts'], { env });
  assert.equal(fromScan.code, 0, fromScan.stderr);
  const sessions = (JSON.parse(fromScan.stdout).session as { period: string }[]).map((r) => r.period);
  assert.ok(sessions.includes(original[0].sessionId), 'the session it was written in');
  assert.ok(!sessions.includes('zzzz-resumed'), 'nothing credited to the replay');
  assert.equal(fromScan.stdout, fromHistory.stdout);
});

test('a transcript that cannot be read is named on stderr, and the rest is reported', { skip: process.platform === 'win32' }, async () => {
  const home = await fixtureCopy();
  const state = await tempDir('reports-unreadable');
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state });
  const clean = await runCli(['daily', '--json', '--timezone', 'UTC', '--from', 'transcripts'], { env });
  const project = path.dirname(discover([home]).files[0].path);
  execFileSync('mkfifo', [path.join(project, 'a-pipe.jsonl')]);
  await fs.symlink(path.join(project, 'gone.jsonl'), path.join(project, 'dangling.jsonl'));
  for (const args of [['daily', '--json', '--timezone', 'UTC', '--from', 'transcripts'], ['blocks', '--json', '--from', 'transcripts']]) {
    const r = await runCli(args, { env, timeoutMs: 20_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /a-pipe\.jsonl/, `${args[0]}: the FIFO is named`);
    assert.match(r.stderr, /dangling\.jsonl/, `${args[0]}: the dangling link is named`);
    if (args[0] === 'daily') assert.equal(r.stdout, clean.stdout, 'the readable transcripts, all of them');
  }
});
