// Start-up reads files the lamps cannot need for their usage lines alone: the gauges must come
// out exactly as when every file of the current activity chain is read in full.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fixtureCopy, tempDir } from '../../../test/helpers/cli.js';
import { assistant, prompt } from '../../../test/helpers/lines.js';
import { Engine } from '../../engine/engine.js';
import { generateCorpus } from '../../generate/index.js';
import { TranscriptSource } from './index.js';

const MIN = 60_000;
const SETTINGS = { ceiling: 50e6, defaultCeiling: 1, redline: 50_000, stallMinutes: 5, abandonMinutes: 60, cacheFloor: 0.5, keepAllTicks: false };

/** Every transcript's mtime set to its newest record, as on a machine where they were written live. @returns the newest record */
async function touchToLastRecord(dir: string): Promise<number> {
  let newest = 0;
  for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith('.jsonl')) continue;
    const file = path.join(e.parentPath, e.name);
    const times = [...(await fs.readFile(file, 'utf8')).matchAll(/"timestamp":"([^"]+)"/g)].map((m) => Date.parse(m[1])).filter(Number.isFinite);
    if (times.length === 0) continue;
    const last = Math.max(...times);
    newest = Math.max(newest, last);
    await fs.utimes(file, new Date(last), new Date(last));
  }
  return newest;
}

/** The snapshot right after start-up at `now`, and how many records were parsed to get it. */
async function afterStart(configDir: string, now: number, usageOnly: boolean): Promise<{ snapshot: string; records: number }> {
  const engine = new Engine(SETTINGS);
  const src = new TranscriptSource({
    configDirs: [configDir],
    emit: (e) => engine.apply(e),
    horizon: () => engine.horizon(),
    ...(usageOnly ? { usageOnlyBefore: () => engine.usageOnlyBefore(now), liveSince: () => engine.liveSince(now) } : {}),
    rescanMs: 0,
    hotPollMs: 0,
  });
  await src.start();
  const { updated_at: _, ...snapshot } = engine.snapshot(now);
  const records = src.health().records;
  await src.close();
  return { snapshot: JSON.stringify(snapshot, null, 1), records };
}

async function sameAtEach(configDir: string, instants: number[]): Promise<number> {
  let spared = 0;
  for (const now of instants) {
    const full = await afterStart(configDir, now, false);
    const fast = await afterStart(configDir, now, true);
    assert.equal(fast.snapshot, full.snapshot, `at ${new Date(now).toISOString()}`);
    assert.ok(fast.records <= full.records);
    spared += full.records - fast.records;
  }
  return spared;
}

test('the real transcripts: the same gauges with older files read for their usage alone', async () => {
  const dir = await fixtureCopy();
  const last = await touchToLastRecord(dir);
  const spared = await sameAtEach(dir, [last + MIN, last + 3 * MIN, last + 30 * MIN, last + 70 * MIN, last + 4 * 60 * MIN, last + 3 * 24 * 60 * MIN]);
  assert.ok(spared > 0, 'some records were read for their usage alone'); // or this test proves nothing
});

test('a generated history with subagents, replays and junk: the same gauges, with far fewer records parsed', async () => {
  const dir = await fs.mkdtemp(path.join((await import('node:os')).tmpdir(), 'cg-usage-only-'));
  const end = Date.parse('2026-03-02T18:00:00Z');
  await generateCorpus({ outDir: dir, targetBytes: 6 * 1024 * 1024, start: new Date(end - 3 * 24 * 60 * MIN), end: new Date(end), seed: 11 });
  const last = await touchToLastRecord(dir);
  const spared = await sameAtEach(dir, [last + MIN, last + 10 * MIN, last + 50 * MIN, last + 2 * 60 * MIN, last + 6 * 60 * MIN]);
  assert.ok(spared > 100, `${spared} records were read for their usage alone`);
});

test('a prompt left unanswered hours ago is still the newest record, in whichever file it is', async () => {
  const dir = await tempDir('cg-usage-only-prompt-');
  const proj = path.join(dir, 'projects', '-p');
  await fs.mkdir(proj, { recursive: true });
  const t0 = Date.parse('2026-03-02T10:00:00Z');
  const write = async (name: string, lines: string[], mtime: number) => {
    await fs.writeFile(path.join(proj, name), lines.join('\n') + '\n');
    await fs.utimes(path.join(proj, name), new Date(mtime), new Date(mtime));
  };
  // An older session, then the newest one: a response, then a prompt nobody answered (Claude Code closed).
  await write('a.jsonl', [prompt(t0, 'start', 'sa'), assistant({ id: 'a1', req: 'ra1', at: t0 + MIN, input: 5, output: 50, session: 'sa' })], t0 + MIN);
  await write('b.jsonl', [prompt(t0 + 60 * MIN, 'go', 'sb'), assistant({ id: 'b1', req: 'rb1', at: t0 + 61 * MIN, input: 5, output: 50, session: 'sb' }), prompt(t0 + 62 * MIN, 'and then?', 'sb')], t0 + 62 * MIN);
  for (const now of [t0 + 63 * MIN, t0 + 90 * MIN, t0 + 5 * 60 * MIN]) {
    const full = await afterStart(dir, now, false);
    const fast = await afterStart(dir, now, true);
    assert.equal(fast.snapshot, full.snapshot, `at ${new Date(now).toISOString()}`);
    assert.equal(JSON.parse(fast.snapshot).last_activity_at, new Date(t0 + 62 * MIN).toISOString());
  }
});

test('a subagent transcript written later than its session says is still counted, by the first rescan', async () => {
  const dir = await tempDir('cg-usage-only-late-');
  const proj = path.join(dir, 'projects', '-p');
  await fs.mkdir(path.join(proj, 'old', 'subagents'), { recursive: true });
  await fs.mkdir(path.join(proj, 'cur'), { recursive: true });
  const t0 = Date.parse('2026-03-02T10:00:00Z');
  const H = 60 * MIN;
  const write = async (file: string, lines: string[], mtime: number) => {
    await fs.writeFile(file, lines.join('\n') + '\n');
    await fs.utimes(file, new Date(mtime), new Date(mtime));
  };
  // An old session and its subagent, days before the current work, read by no one at start-up...
  await write(path.join(proj, 'old.jsonl'), [assistant({ id: 'o1', req: 'ro1', at: t0 - 72 * H, input: 5, output: 7, session: 'so' })], t0 - 72 * H);
  await write(path.join(proj, 'old', 'subagents', 'agent-x.jsonl'), [assistant({ id: 'x1', req: 'rx1', at: t0 - 72 * H, input: 3, output: 4, session: 'so' })], t0 - 72 * H);
  // ... but a second subagent of it wrote today, which its session never recorded.
  await write(path.join(proj, 'old', 'subagents', 'agent-y.jsonl'), [assistant({ id: 'y1', req: 'ry1', at: t0 - 30 * MIN, input: 1000, output: 100, session: 'so' })], t0 - 30 * MIN);
  await write(path.join(proj, 'cur.jsonl'), [assistant({ id: 'c1', req: 'rc1', at: t0 - 10 * MIN, input: 50, output: 5, session: 'sc' })], t0 - 10 * MIN);
  const engine = new Engine(SETTINGS);
  const src = new TranscriptSource({
    configDirs: [dir],
    emit: (e) => engine.apply(e),
    horizon: () => engine.horizon(),
    usageOnlyBefore: () => engine.usageOnlyBefore(t0),
    liveSince: () => engine.liveSince(t0),
    rescanMs: 0,
    hotPollMs: 0,
  });
  try {
    await src.start();
    assert.equal(engine.snapshot(t0).window_5h_tokens, 55, 'start-up trusts the session: only the current work');
    const records = src.health().records;
    await src.rescan();
    assert.equal(engine.snapshot(t0).window_5h_tokens, 55 + 1100, 'the rescan finds the late subagent');
    // The old subagent file was taken in without being read (the history child reads old history).
    assert.equal(src.health().records, records + 1);
  } finally {
    await src.close();
  }
});
