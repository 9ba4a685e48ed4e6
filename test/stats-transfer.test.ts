// Export/import round trip, merging another machine's history without double counting, and cost.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { calcPrice } from '@pydantic/genai-prices';
import { openHistory, type Db } from '../src/store/db.js';
import { ingestPaths, transcriptFiles } from '../src/store/ingest.js';
import { Pricer } from '../src/store/pricing.js';
import { exportCsv, exportJson, importText } from '../src/store/transfer.js';
import { BIN, fixtureCopy, isolatedEnv, runCli, tempDir } from './helpers/cli.js';
import { assistant } from './helpers/lines.js';
import { main } from '../src/cli/index.js';

const subs = main.subCommands as Record<string, unknown>;
const cliSkip = subs.export && subs.import ? false : 'export/import are not registered in src/cli/index.ts yet';

const totals = (db: Db) => db.prepare('SELECT count(*) n, sum(input + output + cache_create + cache_read) t, round(sum(cost), 6) c FROM responses').get();
const counters = (db: Db) => db.prepare('SELECT count(*) n, sum(em_dashes) e FROM texts').get();

test('export -> import into an empty history reproduces it (JSON in full, CSV for responses)', async () => {
  const h = openHistory(await tempDir('hist'));
  ingestPaths(h.db, transcriptFiles([await fixtureCopy()]));
  const json = JSON.stringify(exportJson(h.db));
  const csv = [...exportCsv(h.db)].join('');
  const a = openHistory(await tempDir('hist-a'));
  importText(a.db, json);
  assert.deepEqual(totals(a.db), totals(h.db));
  assert.deepEqual(counters(a.db), counters(h.db));
  const b = openHistory(await tempDir('hist-b'));
  importText(b.db, csv);
  assert.deepEqual(totals(b.db), totals(h.db));
  for (const x of [h, a, b]) x.close();
});

test('merging overlapping histories counts each response once and keeps its largest copy', async () => {
  const at = Date.parse('2026-03-02T09:00:00Z');
  const mk = async (lines: string[]) => {
    const home = await tempDir('m');
    const f = path.join(home, 'projects', '-p', 's.jsonl');
    await fs.mkdir(path.dirname(f), { recursive: true });
    await fs.writeFile(f, lines.join('\n') + '\n');
    const h = openHistory(await tempDir('mh'));
    ingestPaths(h.db, [f]);
    return h;
  };
  // Machine A saw only the first (small) line of m2; machine B saw its final line and m3.
  const a = await mk([assistant({ id: 'm1', req: 'r1', at, output: 10 }), assistant({ id: 'm2', req: 'r2', at: at + 1, output: 3 })]);
  const b = await mk([assistant({ id: 'm2', req: 'r2', at: at + 1, output: 90 }), assistant({ id: 'm3', req: 'r3', at: at + 2, output: 5 })]);
  const r = importText(a.db, JSON.stringify(exportJson(b.db)));
  assert.deepEqual(r.responses_new, 1);
  assert.deepEqual(r.responses_replaced, 1);
  const again = importText(a.db, JSON.stringify(exportJson(b.db)));
  assert.equal(again.responses_new + again.responses_replaced, 0, 'a second import of the same file changes nothing');
  const rows = a.db.prepare('SELECT key, output FROM responses ORDER BY key').all();
  assert.deepEqual(rows, [{ key: 'm1:r1', output: 10 }, { key: 'm2:r2', output: 90 }, { key: 'm3:r3', output: 5 }]);
  a.close();
  b.close();
});

test('claude-gauge export and import on the command line', { skip: cliSkip }, async () => {
  const home = await fixtureCopy();
  const stateA = await tempDir('state-a');
  const seed = openHistory(stateA);
  ingestPaths(seed.db, transcriptFiles([home]));
  const want = totals(seed.db);
  seed.close();
  const out = path.join(await tempDir('out'), 'h.json');
  const ex = await runCli(['export', '--json', '--out', out], { env: isolatedEnv({ CLAUDE_GAUGE_STATE_DIR: stateA }) });
  assert.equal(ex.code, 0, ex.stderr);
  const csv = await runCli(['export', '--csv'], { env: isolatedEnv({ CLAUDE_GAUGE_STATE_DIR: stateA }) });
  assert.match(csv.stdout, /^key,at,model,/);
  const stateB = await tempDir('state-b');
  const im = await runCli(['import', out], { env: isolatedEnv({ CLAUDE_GAUGE_STATE_DIR: stateB }) });
  assert.equal(im.code, 0, im.stderr);
  assert.match(im.stdout, /new responses/);
  const b = openHistory(stateB);
  assert.deepEqual(totals(b.db), want);
  b.close();
});

test('cost of a known model equals a hand computation from the price table; unknown models are null', () => {
  const p = new Pricer();
  const u = { model: 'claude-sonnet-4-5-20250929', at: Date.parse('2026-01-10T00:00:00Z'), input: 1000, output: 2000, cache5m: 3000, cache1h: 4000, cacheRead: 50_000 };
  // Sonnet 4.5 list prices per million: input 3, output 15, cache write 5 m 3.75, 1 h 6, cache read 0.3 (under 200k input).
  const hand = (1000 * 3 + 2000 * 15 + 3000 * 3.75 + 4000 * 6 + 50_000 * 0.3) / 1e6;
  assert.ok(Math.abs(p.price(u).cost! - hand) < 1e-12, `${p.price(u).cost} vs ${hand}`);
  assert.ok(Math.abs(p.price(u).saved! - (50_000 * (3 - 0.3)) / 1e6) < 1e-12);
  // Over 200k input tokens the long-context tier applies to the whole request.
  const big = { ...u, cacheRead: 250_000 };
  const handBig = (1000 * 6 + 2000 * 22.5 + 3000 * 7.5 + 4000 * 12 + 250_000 * 0.6) / 1e6;
  assert.ok(Math.abs(p.price(big).cost! - handBig) < 1e-12, `${p.price(big).cost} vs ${handBig}`);
  // The library agrees with itself through its own entry point.
  const lib = calcPrice({ input_tokens: 58_000, cache_read_tokens: 50_000, cache_write_tokens: 7000, cache_write_1h_tokens: 4000, output_tokens: 2000 }, u.model, { providerId: 'anthropic', timestamp: new Date(u.at) });
  assert.ok(Math.abs(lib!.total_price - hand) < 1e-12);
  assert.deepEqual(p.price({ ...u, model: 'gpt-mystery-9' }), { cost: null, saved: null });
  assert.deepEqual(p.price({ ...u, model: 'claude-sonnet-4-5-fast' }), { cost: null, saved: null }, 'fast mode without a published price has no table price');
  // Opus 4.6 fast mode: Anthropic's published six times the standard rates, as ccusage counts it.
  const fast = (1000 * 30 + 2000 * 150 + 3000 * 37.5 + 4000 * 60 + 50_000 * 3) / 1e6;
  assert.ok(Math.abs(p.price({ ...u, model: 'claude-opus-4-6-fast' }).cost! - fast) < 1e-9);
  assert.ok(Math.abs(p.cost({ ...u, model: 'claude-opus-4-6-fast' })! - fast) < 1e-9);
  const o = new Pricer({ 'claude-opus-4-6-fast': { input: 30, output: 150 }, 'my-model*': { input: 1, output: 2, cache_read: 0.1 } });
  assert.ok(Math.abs(o.price({ ...u, model: 'claude-opus-4-6-fast' }).cost! - (1000 * 30 + 2000 * 150 + 3000 * 37.5 + 4000 * 60 + 50_000 * 3) / 1e6) < 1e-9);
  assert.ok(Math.abs(o.price({ ...u, model: 'my-model-2' }).cost! - (1000 + 4000 + 3000 * 1.25 + 4000 * 2 + 5000) / 1e6) < 1e-12);
});

test('an unknown model is stored with a null cost, never $0', async () => {
  const home = await tempDir('unk');
  const f = path.join(home, 'projects', '-p', 's.jsonl');
  await fs.mkdir(path.dirname(f), { recursive: true });
  await fs.writeFile(f, assistant({ id: 'x', req: 'y', at: Date.now(), model: 'some-future-model', input: 100, output: 100 }) + '\n');
  const h = openHistory(await tempDir('hist'));
  ingestPaths(h.db, [f]);
  assert.deepEqual(h.db.prepare('SELECT cost, cache_saved FROM responses').get(), { cost: null, cache_saved: null });
  h.close();
});

test('export says where the history comes from before there is one, prints clean dollars, and stops quietly when its reader does', { skip: cliSkip }, async () => {
  const none = await tempDir('state-none');
  const first = await runCli(['export', '--csv'], { env: isolatedEnv({ CLAUDE_GAUGE_STATE_DIR: none }) });
  assert.equal(first.code, 1);
  assert.match(first.stderr, /^claude-gauge: no history in .* yet: it fills while `claude-gauge serve` runs/);
  assert.deepEqual(await fs.readdir(none), [], 'export created nothing');

  const home = await fixtureCopy();
  const state = await tempDir('state-full');
  const h = openHistory(state);
  ingestPaths(h.db, transcriptFiles([home]));
  h.close();
  const env = isolatedEnv({ CLAUDE_GAUGE_STATE_DIR: state });
  const csv = await runCli(['export', '--csv'], { env });
  const costs = csv.stdout.trim().split('\n').slice(1).map((l) => l.split(',')[12]).filter(Boolean);
  assert.ok(costs.length > 100);
  for (const c of costs) assert.ok(c.replace(/^\d+\./, '').length <= 10, `cost ${c} carries float noise`);
  // `export --csv | head -2`: the pipe closes after two lines.
  const piped = await new Promise<{ code: number | null; stderr: string; out: string }>((resolve) => {
    const sh = spawn('sh', ['-c', `"${process.execPath}" "${BIN}" export --csv | head -2`], { env });
    let out = '';
    let stderr = '';
    sh.stdout.on('data', (c) => (out += c));
    sh.stderr.on('data', (c) => (stderr += c));
    sh.on('close', (code) => resolve({ code, stderr, out }));
  });
  assert.equal(piped.out.trim().split('\n').length, 2);
  assert.equal(piped.stderr, '', 'no EPIPE stack trace');
});
