// The deep-stats routes (Bash programs, files, languages, interrupts, denials, streaks, project
// switching) on the real fixtures plus two projects written here, against figures computed
// independently from the raw JSONL; each MCP tool answers what its route does; an old (schema 2)
// history upgrades and fills the same figures.
import assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { Hono } from 'hono';
import { mountStats } from '../src/sinks/stats/http.js';
import { openHistory, type History } from '../src/store/db.js';
import { executableOf } from '../src/store/command.js';
import { MIGRATIONS } from '../src/store/migrations.js';
import { ingestPaths, transcriptFiles } from '../src/store/ingest.js';
import { fixtureCopy, tempDir } from './helpers/cli.js';

const TZ = 'America/Los_Angeles';
const NOW = Date.parse('2026-03-04T20:00:00Z'); // the day after the last synthetic day, in TZ too
const LOCAL = { incoming: { socket: { remoteAddress: '127.0.0.1', remotePort: 5555, remoteFamily: 'IPv4' } } };
const ROUTES = { bash: 'bash_commands', files: 'files', languages: 'languages', interrupts: 'interrupts', denials: 'denials', streaks: 'streaks', 'project-switching': 'project_switching' } as const;
const EDITS = new Set(['Edit', 'Write', 'MultiEdit', 'NotebookEdit']);
const dateIn = (ms: number, tz = TZ) => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);

let home: string;
let history: History;
let app: Hono;

// --- two more projects, switched between within a day, with a deny rule, an interrupt and sudo ---
function line(type: 'user' | 'assistant', project: string, at: string, session: string, content: unknown, extra: Record<string, unknown> = {}, n = 0): string {
  const base = { type, sessionId: session, timestamp: at, uuid: `${session}-${at}-${n}`, cwd: `/home/dev/${project}`, isSidechain: false, ...extra };
  if (type === 'user') return JSON.stringify({ ...base, message: { role: 'user', content } });
  return JSON.stringify({ ...base, requestId: `req-${session}-${at}`, message: { id: `msg-${session}-${at}`, model: 'claude-sonnet-4-5-20250929', role: 'assistant', content, usage: { input_tokens: 10, output_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 100 } } });
}
const tool = (id: string, name: string, input: Record<string, unknown>) => ({ type: 'tool_use', id, name, input });
const result = (id: string, content: string, isError = false) => ({ type: 'tool_result', tool_use_id: id, content, is_error: isError });

async function addProjects(dir: string): Promise<void> {
  const files: Record<string, string[]> = {
    'alpha/a1': [
      line('user', 'alpha', '2026-03-01T17:00:00Z', 'a1', 'start alpha'),
      line('assistant', 'alpha', '2026-03-01T17:00:05Z', 'a1', [tool('tA1', 'Bash', { command: 'sudo -u root systemctl restart x' }), tool('tA2', 'Edit', { file_path: '/home/dev/alpha/src/main.rs', old_string: 'a', new_string: 'b' })]),
      line('user', 'alpha', '2026-03-01T17:00:09Z', 'a1', [result('tA1', 'Permission to use Bash with command sudo -u root systemctl restart x has been denied.', true), result('tA2', 'ok')]),
      line('user', 'alpha', '2026-03-01T19:00:00Z', 'a1', 'back to alpha'),
      line('assistant', 'alpha', '2026-03-01T19:00:05Z', 'a1', [tool('tA3', 'Write', { file_path: '/home/dev/alpha/Makefile', content: 'all:' })]),
      line('user', 'alpha', '2026-03-01T19:00:07Z', 'a1', [{ type: 'text', text: '[Request interrupted by user]' }]),
      line('user', 'alpha', '2026-03-02T18:00:00Z', 'a2', 'alpha again'),
      line('assistant', 'alpha', '2026-03-02T18:00:05Z', 'a2', [{ type: 'text', text: 'done' }]),
      line('user', 'alpha', '2026-03-03T18:00:00Z', 'a3', 'third day'),
      line('assistant', 'alpha', '2026-03-03T18:00:05Z', 'a3', [tool('tA4', 'Bash', { command: 'cd /home/dev/alpha && MIX_ENV=test mix test 2>&1' })]),
      line('user', 'alpha', '2026-03-03T18:00:09Z', 'a3', [result('tA4', 'Exit code 1', true)]),
    ],
    'beta/b1': [
      line('user', 'beta', '2026-03-01T18:00:00Z', 'b1', 'now beta'),
      line('assistant', 'beta', '2026-03-01T18:00:05Z', 'b1', [tool('tB1', 'Read', { file_path: '/home/dev/beta/lib/x.ex' }), tool('tB2', 'Edit', { file_path: '/home/dev/beta/lib/x.ex', old_string: 'a', new_string: 'b' })]),
      line('user', 'beta', '2026-03-01T18:00:09Z', 'b1', [result('tB1', 'ok'), result('tB2', 'String to replace not found in file.', true)]),
      line('user', 'beta', '2026-03-01T18:30:00Z', 'b1', 'still beta'),
      line('assistant', 'beta', '2026-03-01T18:30:05Z', 'b1', [{ type: 'text', text: 'ok' }]),
    ],
  };
  for (const [name, lines] of Object.entries(files)) {
    const [project, session] = name.split('/');
    const file = path.join(dir, 'projects', `-home-dev-${project}`, `${session}.jsonl`);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, lines.join('\n') + '\n');
  }
}

// --- the independent count: JSON.parse over every transcript line, none of the code under test but the program parser ---
interface Raw {
  tools: Map<string, { name: string; input: any; at: number; project: string }>;
  results: Map<string, { error: boolean; denial: string | null }>;
  interrupts: Map<string, { at: number; project: string; kind: string }>;
  prompts: Map<string, { at: number; project: string }>;
  responses: Map<string, number>;
  sessions: Map<string, { at: number; project: string }>;
}

function userText(r: any): string {
  const c = r.message?.content;
  return typeof c === 'string' ? c : Array.isArray(c) ? c.filter((b: any) => b?.type === 'text').map((b: any) => b.text).join('\n') : '';
}

function rawScan(files: string[]): Raw {
  const raw: Raw = { tools: new Map(), results: new Map(), interrupts: new Map(), prompts: new Map(), responses: new Map(), sessions: new Map() };
  for (const file of files) {
    const project = file.split(path.sep).at(file.split(path.sep).lastIndexOf('projects') + 1)!;
    for (const text of readFileSync(file, 'utf8').split('\n')) {
      let r: any;
      try {
        r = JSON.parse(text);
      } catch {
        continue;
      }
      const at = Date.parse(r?.timestamp);
      if (r?.type === 'assistant' && r.message?.usage && Array.isArray(r.message.content)) {
        if (r.message.model !== '<synthetic>') {
          const key = `${r.message.id}:${r.requestId}`;
          raw.responses.set(key, Math.min(raw.responses.get(key) ?? Infinity, at));
          const s = raw.sessions.get(r.sessionId);
          if (!s || at < s.at) raw.sessions.set(r.sessionId, { at, project });
        }
        for (const b of r.message.content) if (b?.type === 'tool_use' && !raw.tools.has(b.id)) raw.tools.set(b.id, { name: b.name, input: b.input, at, project });
      }
      if (r?.type !== 'user') continue;
      for (const b of Array.isArray(r.message?.content) ? r.message.content : []) {
        if (b?.type !== 'tool_result') continue;
        const said = typeof b.content === 'string' ? b.content : (b.content ?? []).map((c: any) => c.text ?? '').join('');
        const denial = b.is_error !== true ? null : r.toolUseResult === 'User rejected tool use' || said.startsWith("The user doesn't want to proceed with this tool use") ? 'rejected' : said.includes('has been denied') && said.startsWith('Permission to use') ? 'rule' : said.includes("but you haven't granted it yet") ? 'not_granted' : null;
        const cur = raw.results.get(b.tool_use_id);
        raw.results.set(b.tool_use_id, { error: (cur?.error ?? false) || b.is_error === true, denial: cur?.denial ?? denial });
      }
      if (r.isMeta || r.isCompactSummary || r.isVisibleInTranscriptOnly || r.isSidechain === true) continue;
      const said = userText(r);
      if (!said.trim() || !Number.isFinite(at)) continue;
      if (said.startsWith('[Request interrupted by user')) raw.interrupts.set(`${r.timestamp}\0${said}`, { at, project, kind: said.startsWith('[Request interrupted by user for tool use]') ? 'tool' : 'turn' });
      else if (!/^\s*</.test(said)) raw.prompts.set(`${r.timestamp}\0${said}`, { at, project });
    }
  }
  return raw;
}

function count<T>(items: Iterable<T>, key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of items) m.set(key(t), (m.get(key(t)) ?? 0) + 1);
  return m;
}

let raw: Raw;

async function api(route: string, query = `tz=${TZ}`): Promise<any> {
  const res = await app.request(`http://localhost/api/${route}?${query}`, {}, LOCAL);
  assert.equal(res.status, 200, route);
  return res.json();
}

before(async () => {
  home = await fixtureCopy();
  await addProjects(home);
  history = openHistory(await tempDir('deep'));
  const files = transcriptFiles([home]);
  ingestPaths(history.db, files);
  raw = rawScan(files);
  app = new Hono();
  mountStats(app, { history, now: () => NOW });
});

test('Bash calls by program: calls, failures and denials per program equal the raw count', async () => {
  const d = await api('bash');
  const bash = [...raw.tools].filter(([, t]) => t.name === 'Bash');
  const want = new Map<string, { calls: number; failures: number; denied: number }>();
  for (const [id, t] of bash) {
    const name = executableOf(t.input.command)!;
    const w = want.get(name) ?? { calls: 0, failures: 0, denied: 0 };
    const res = raw.results.get(id);
    w.calls++;
    if (res?.denial) w.denied++;
    else if (res?.error) w.failures++;
    want.set(name, w);
  }
  assert.equal(d.calls, bash.length);
  assert.equal(d.unrecorded, 0);
  assert.deepEqual(new Map(d.rows.map((r: any) => [r.executable, { calls: r.calls, failures: r.failures, denied: r.denied }])), want);
  for (const name of ['mix', 'git', 'bd', 'systemctl']) assert.ok(want.has(name), `${name} among the programs`);
  assert.ok(!want.has('sudo') && !want.has('MIX_ENV=test'), 'wrappers and assignments are not programs');
  // `cd x && make` runs make: only a call that does nothing but change folders is named cd.
  assert.ok(want.get('cd')!.calls < bash.filter(([, t]) => /^cd /.test(t.input.command)).length);
});

test('most edited files and languages: edits that did not fail, reads, files, per path and extension', async () => {
  const perFile = new Map<string, { edits: number; failed: number; reads: number }>();
  for (const [id, t] of raw.tools) {
    const file = t.name === 'NotebookEdit' ? t.input?.notebook_path : t.input?.file_path;
    if (!(EDITS.has(t.name) || t.name === 'Read') || typeof file !== 'string') continue;
    const f = perFile.get(file) ?? { edits: 0, failed: 0, reads: 0 };
    if (t.name === 'Read') f.reads++;
    else if (raw.results.get(id)?.error) f.failed++;
    else f.edits++;
    perFile.set(file, f);
  }
  const edited = [...perFile].filter(([, f]) => f.edits > 0);
  const d = await api('files');
  assert.equal(d.files_edited, edited.length);
  assert.equal(d.edits, edited.reduce((s, [, f]) => s + f.edits, 0));
  assert.equal(d.rows.length, Math.min(50, edited.length));
  for (const r of d.rows) assert.deepEqual([r.edits, r.failed_edits, r.reads], [perFile.get(r.file)!.edits, perFile.get(r.file)!.failed, perFile.get(r.file)!.reads], r.file);
  const most = Math.max(...edited.map(([, f]) => f.edits));
  assert.equal(d.rows[0].edits, most, 'the most edited file first');
  assert.ok(d.rows.every((r: any, i: number) => i === 0 || d.rows[i - 1].edits >= r.edits));
  const alpha = await api('files', `tz=${TZ}&project=-home-dev-alpha`);
  assert.deepEqual(alpha.rows.map((r: any) => [r.path, r.language, r.edits]), [['Makefile', 'Makefile', 1], ['src/main.rs', 'Rust', 1]], 'shown relative to its project, the latest first');

  // Languages: every path once, by its extension; the rows add up to the raw per-extension counts.
  const ext = (f: string) => (/\.([^./\\]{1,15})$/.exec(f.split(/[\\/]/).pop()!.replace(/^\.[^.]*$/, ''))?.[1] ?? '').toLowerCase();
  const byExt = new Map<string, { edits: number; reads: number; files: number }>();
  for (const [file, f] of perFile) {
    const e = byExt.get(ext(file)) ?? { edits: 0, reads: 0, files: 0 };
    [e.edits, e.reads, e.files] = [e.edits + f.edits, e.reads + f.reads, e.files + 1];
    byExt.set(ext(file), e);
  }
  const l = await api('languages');
  const seen = new Set<string>();
  const sumOf = (exts: string[]) => exts.reduce((s, e) => (seen.add(e), { edits: s.edits + (byExt.get(e)?.edits ?? 0), reads: s.reads + (byExt.get(e)?.reads ?? 0), files: s.files + (byExt.get(e)?.files ?? 0) }), { edits: 0, reads: 0, files: 0 });
  const pick = (r: any) => ({ edits: r.edits, reads: r.reads, files: r.files });
  for (const row of l.rows.filter((r: any) => r.extensions.length)) assert.deepEqual(pick(row), sumOf(row.extensions), row.language);
  // Files without an extension are named by their name (Makefile) or "no extension": together, all of them.
  const bare = l.rows.filter((r: any) => !r.extensions.length).reduce((s: any, r: any) => ({ edits: s.edits + r.edits, reads: s.reads + r.reads, files: s.files + r.files }), { edits: 0, reads: 0, files: 0 });
  assert.deepEqual(bare, sumOf(['']));
  assert.deepEqual([...seen].sort(), [...byExt.keys()].sort(), 'every extension in one language row');
  assert.equal(new Set(l.rows.flatMap((r: any) => r.extensions)).size, l.rows.reduce((n: number, r: any) => n + r.extensions.length, 0), 'and in one only');
  assert.equal(l.rows.find((r: any) => r.extensions.includes('ex'))?.language, 'Elixir');
  assert.equal(l.rows.find((r: any) => r.language === 'Makefile')?.edits, 1, 'an extensionless file named by its name');
});

test('interrupts and denials: totals, kinds, local days, projects and tools equal the raw count', async () => {
  const i = await api('interrupts');
  const ints = [...raw.interrupts.values()];
  assert.equal(i.interrupts, ints.length);
  assert.deepEqual([i.during_reply, i.during_tool], [ints.filter((x) => x.kind === 'turn').length, ints.filter((x) => x.kind === 'tool').length]);
  assert.equal(i.prompts, raw.prompts.size);
  assert.deepEqual(new Map(i.days.map((d: any) => [d.date, d.interrupts])), count(ints, (x) => dateIn(x.at)));
  assert.deepEqual(new Map(i.projects.map((p: any) => [p.project, p.interrupts])), count(ints, (x) => x.project));
  assert.ok(ints.length >= 6 && i.projects.length === 2);

  const d = await api('denials');
  const denied = [...raw.results].filter(([id, r]) => r.denial && raw.tools.has(id));
  assert.equal(d.denials, denied.length);
  assert.deepEqual([d.rejected, d.rule, d.not_granted], ['rejected', 'rule', 'not_granted'].map((k) => denied.filter(([, r]) => r.denial === k).length));
  assert.ok(d.rejected >= 3 && d.rule === 1 && d.not_granted >= 1);
  assert.equal(d.tool_calls, raw.tools.size);
  assert.deepEqual(new Map(d.tools.map((t: any) => [t.name, t.denials])), count(denied, ([id]) => raw.tools.get(id)!.name));
  assert.deepEqual(new Map(d.days.map((x: any) => [x.date, x.denials])), count(denied, ([id]) => dateIn(raw.tools.get(id)!.at)));
  // The project filter applies: alpha holds the one deny rule and the one Esc of its own.
  const alpha = await api('denials', `tz=${TZ}&project=-home-dev-alpha`);
  assert.deepEqual([alpha.denials, alpha.rule, alpha.tool_calls], [1, 1, 4]);
});

test('streaks: active local days and their runs; the current one ends today or yesterday', async () => {
  const dates = [...new Set([...raw.responses.values()].map((at) => dateIn(at)))].sort();
  const runs: string[][] = [];
  for (const day of dates) {
    const last = runs.at(-1);
    if (last && Date.parse(day) - Date.parse(last.at(-1)!) === 86_400_000) last.push(day);
    else runs.push([day]);
  }
  const s = await api('streaks');
  assert.equal(s.active_days, dates.length);
  assert.deepEqual(s.runs.map((r: any) => [r.start, r.end, r.days]), runs.map((r) => [r[0], r.at(-1), r.length]));
  const longest = Math.max(...runs.map((r) => r.length));
  assert.equal(s.longest.days, longest);
  const today = dateIn(NOW);
  const yesterday = dateIn(NOW - 86_400_000);
  const tail = runs.at(-1)!;
  assert.equal(today, '2026-03-04');
  assert.equal(s.current.days, tail.at(-1) === today || tail.at(-1) === yesterday ? tail.length : 0);
  assert.equal(s.current.days, 3, 'the three synthetic days, ending yesterday');
  assert.equal(s.current.active_today, false);
  // A range that ends earlier ends its streak there; a zone 20 hours away moves the day boundaries.
  const early = await api('streaks', `tz=${TZ}&to=2026-02-11`);
  assert.equal(early.today, '2026-02-11');
  const far = await api('streaks', 'tz=Pacific/Kiritimati');
  assert.equal(far.active_days, new Set([...raw.responses.values()].map((at) => dateIn(at, 'Pacific/Kiritimati'))).size);
});

test('project switching: prompts that change project within a day, sessions that change it from the one before', async () => {
  const prompts = [...raw.prompts.entries()].sort(([ka, a], [kb, b]) => a.at - b.at || (ka < kb ? -1 : 1)).map(([, p]) => p);
  const perDay = new Map<string, string[]>();
  for (const p of prompts) perDay.set(dateIn(p.at), [...(perDay.get(dateIn(p.at)) ?? []), p.project]);
  const switches = (list: string[]) => list.filter((p, i) => i > 0 && p !== list[i - 1]).length;
  const s = await api('project-switching');
  assert.deepEqual(s.days.map((d: any) => [d.date, d.prompts, d.switches]), [...perDay].sort().map(([date, list]) => [date, list.length, switches(list)]));
  assert.equal(s.switches, [...perDay.values()].reduce((n, l) => n + switches(l), 0));
  assert.equal(s.switches, 2, 'alpha, beta, beta, alpha on 2026-03-01');
  const sessions = [...raw.sessions.values()].sort((a, b) => a.at - b.at).map((x) => x.project);
  assert.equal(s.session_pairs, sessions.length - 1);
  assert.equal(s.session_switches, switches(sessions));
  const beta = await api('project-switching', `tz=${TZ}&project=-home-dev-beta`);
  assert.equal(beta.switches, 2, 'into beta and out of it');
  assert.deepEqual(beta.days.map((d: any) => d.date), ['2026-03-01']);
});

test('each MCP tool answers what its route does, with the same filter', async () => {
  const rpc = async (id: number, name: string, args: Record<string, string>) =>
    (await app.request('http://localhost/mcp', { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } }) }, LOCAL)).json();
  let id = 0;
  for (const [route, tool] of Object.entries(ROUTES)) {
    const filters: Record<string, string>[] = [{ tz: TZ }, { tz: 'UTC', from: '2026-02-11', to: '2026-03-01', project: '-home-dev-spotter' }];
    for (const args of filters) {
      const call = await rpc(++id, tool, args);
      assert.equal(call.result.isError, false, tool);
      assert.deepEqual(call.result.structuredContent, await api(route, new URLSearchParams(args).toString()), `${tool} ${JSON.stringify(args)}`);
    }
  }
  const bad = await rpc(++id, 'streaks', { tz: 'Nowhere/Land' });
  assert.equal(bad.result.isError, true);
});

test('the new routes are private like the others: another machine without the token gets 403', async () => {
  const remote = { incoming: { socket: { remoteAddress: '203.0.113.7', remotePort: 5555, remoteFamily: 'IPv4' } } };
  for (const route of Object.keys(ROUTES)) assert.equal((await app.request(`http://192.168.1.5:8080/api/${route}`, {}, remote)).status, 403, route);
});

test('a schema-2 history upgrades: its transcripts are read again and fill the same figures; a deleted one counts as unrecorded', async () => {
  const dir = await tempDir('deep-old');
  let old = openHistory(dir);
  const files = transcriptFiles([home]);
  ingestPaths(old.db, files);
  // Back to schema 2 as it was: no tool details, no denials, no interrupts, no kept blocks or report sums, no files' read sizes and times, every file read to its end.
  old.db.exec('ALTER TABLE files DROP COLUMN seen_size; ALTER TABLE files DROP COLUMN seen_mtime_ms;');
  old.db.exec('DROP TRIGGER report_slots_replace; DROP TRIGGER report_slots_insert; DROP TRIGGER report_slots_update; DROP TRIGGER report_slots_delete; DROP TABLE report_slots; DROP INDEX responses_session_at; CREATE INDEX responses_session ON responses(session);');
  old.db.exec('DROP TRIGGER block_summaries_insert; DROP TRIGGER block_summaries_update; DROP TRIGGER block_summaries_delete; DROP TABLE block_summaries;');
  old.db.exec('DROP INDEX tool_uses_name; ALTER TABLE tool_uses DROP COLUMN executable; ALTER TABLE tool_uses DROP COLUMN file; ALTER TABLE tool_uses DROP COLUMN ext; ALTER TABLE tool_results DROP COLUMN denial; DROP TABLE interrupts; PRAGMA user_version = 2;');
  assert.ok((old.db.prepare('SELECT min(offset) o FROM files').get() as any).o > 0);
  old.close();
  // Claude Code deleted one transcript meanwhile: its rows stay, without the new details.
  const gone = files.find((f) => f.endsWith('tool_heavy.jsonl'))!;
  const goneIds = new Set(rawScan([gone]).tools.keys());
  const elsewhere = rawScan(files.filter((f) => f !== gone)).tools;
  const onlyThere = [...goneIds].filter((id) => !elsewhere.has(id) && raw.tools.get(id)?.name === 'Bash').length;
  assert.ok(onlyThere > 0);
  await fs.rm(gone);
  old = openHistory(dir);
  try {
    assert.equal(old.db.pragma('user_version', { simple: true }), MIGRATIONS.length);
    ingestPaths(old.db, transcriptFiles([home]));
    const upgraded = new Hono();
    mountStats(upgraded, { history: old, now: () => NOW });
    const get = async (a: Hono, route: string) => (await a.request(`http://localhost/api/${route}?tz=${TZ}&from=2026-02-12`, {}, LOCAL)).json();
    // After tool_heavy's last day, everything is as in a history built fresh.
    for (const route of Object.keys(ROUTES)) assert.deepEqual(await get(upgraded, route), await get(app, route), route);
    const bash = await (await upgraded.request(`http://localhost/api/bash?tz=${TZ}`, {}, LOCAL)).json();
    assert.equal(bash.unrecorded, onlyThere);
    assert.equal(bash.calls, (await api('bash')).calls, 'no call lost or doubled');
  } finally {
    old.close();
  }
});

test('an export carries the details: imported on another machine, every new route answers the same', async () => {
  const { exportJson, importText } = await import('../src/store/transfer.js');
  const other = openHistory(await tempDir('deep-import'));
  try {
    importText(other.db, JSON.stringify(exportJson(history.db)));
    const imported = new Hono();
    mountStats(imported, { history: other, now: () => NOW });
    for (const route of Object.keys(ROUTES)) {
      const res = await imported.request(`http://localhost/api/${route}?tz=${TZ}`, {}, LOCAL);
      assert.deepEqual(await res.json(), await api(route), route);
    }
  } finally {
    other.close();
  }
});
