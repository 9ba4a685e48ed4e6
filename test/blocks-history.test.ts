// `blocks` from the durable history equals `blocks` from a scan of the transcripts, byte for byte,
// and both equal ccusage 20.0.24: on the shared fixtures and on a generated history with junk
// lines, resumed sessions (replayed copies) and subagents. `--from auto` takes the history only
// while it has read every transcript to its end.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { generateCorpus } from '../src/generate/index.js';
import { discover } from '../src/sources/transcripts/discover.js';
import { HISTORY_FILE, openHistory } from '../src/store/db.js';
import { ingestPaths } from '../src/store/ingest.js';
import { summarizeBlocks } from '../src/store/history-blocks.js';
import { fixtureCopy, isolatedEnv, runCli, tempDir } from './helpers/cli.js';
import { assertSameBlocks, ccusageBlocks, ccusageSkip } from './helpers/ccusage.js';

/** A config dir with its history built by the daemon's own ingest, and the env that points at both. */
async function withHistory(home: string): Promise<NodeJS.ProcessEnv> {
  const state = await tempDir('blocks-history-state');
  const h = openHistory(state);
  ingestPaths(h.db, discover([home]).files.map((f) => f.path));
  // As the daemon's ingest leaves it: the blocks so far kept (history-blocks.ts), so the history answers from them.
  summarizeBlocks(h.db);
  assert.ok((h.db.prepare('SELECT count(*) n FROM block_summaries').get() as { n: number }).n > 0, 'blocks kept');
  h.close();
  return isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state });
}

async function blocks(env: NodeJS.ProcessEnv, from: string): Promise<{ json: string; from: string }> {
  const r = await runCli(['blocks', '--json', '--from', from], { env });
  assert.equal(r.code, 0, r.stderr);
  return { json: r.stdout, from: /\(from the (history|transcripts)\)/.exec(r.stderr)?.[1] ?? '?' };
}

async function sameEitherWay(home: string): Promise<any[]> {
  const env = await withHistory(home);
  const [history, scan, auto] = [await blocks(env, 'history'), await blocks(env, 'transcripts'), await blocks(env, 'auto')];
  assert.equal(history.from, 'history');
  assert.equal(scan.from, 'transcripts');
  assert.equal(auto.from, 'history', 'a current history answers by default');
  assert.equal(history.json, scan.json, 'byte for byte');
  assert.equal(auto.json, scan.json);
  const list = JSON.parse(scan.json).blocks;
  assert.ok(list.some((b: any) => b.costUSD > 0 && b.models.length > 1), 'priced blocks with several models');
  if (!ccusageSkip) assertSameBlocks(list, await ccusageBlocks(home));
  return list;
}

test('blocks on the fixtures: the history, the scan and ccusage agree; a line after the history makes auto scan', async () => {
  const home = await fixtureCopy();
  const list = await sameEitherWay(home);
  const behindEnv = await withHistory(home);
  // A new response, written after the history was built: the history is behind.
  const file = discover([home]).files.find((f) => f.path.endsWith('short.jsonl'))!.path;
  const last = JSON.parse((await fs.readFile(file, 'utf8')).trim().split('\n').filter((l) => l.includes('"usage"')).pop()!);
  last.message.id = 'msg_blocks_after';
  last.timestamp = '2026-02-12T23:00:00.000Z';
  await fs.appendFile(file, JSON.stringify(last) + '\n');
  const auto = await blocks(behindEnv, 'auto');
  assert.equal(auto.from, 'transcripts', 'a history behind is not used');
  const entries = (bs: any[]) => bs.reduce((s, b) => s + b.entries, 0);
  assert.equal(entries(JSON.parse(auto.json).blocks), entries(list) + 1, 'the new response counts');
  const stale = await blocks(behindEnv, 'history');
  assert.equal(entries(JSON.parse(stale.json).blocks), entries(list), '--from history insists, and answers as of its build');
});

test('a transcript moved, or a new one, since the history read them: auto scans', async () => {
  const home = await fixtureCopy();
  const env = await withHistory(home);
  assert.equal((await blocks(env, 'auto')).from, 'history');
  const file = discover([home]).files.find((f) => f.path.endsWith('short.jsonl'))!.path;
  // The same file (its identity kept) under another name: the history knows it under the old one.
  const moved = path.join(path.dirname(file), 'moved.jsonl');
  await fs.rename(file, moved);
  assert.equal((await blocks(env, 'auto')).from, 'transcripts', 'a renamed transcript');
  await fs.rename(moved, file);
  assert.equal((await blocks(env, 'auto')).from, 'history', 'back under its name');
  // Another file with the same lines at a new path: not read by the history.
  await fs.copyFile(file, moved);
  assert.equal((await blocks(env, 'auto')).from, 'transcripts', 'a new transcript');
});

test('a history that does not read never stops blocks: auto scans, --from history says why', async () => {
  const home = await fixtureCopy();
  const state = await tempDir('blocks-history-junk');
  await fs.writeFile(path.join(state, HISTORY_FILE), 'not a database\n'.repeat(100));
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state });
  const auto = await blocks(env, 'auto');
  assert.equal(auto.from, 'transcripts');
  assert.equal(auto.json, (await blocks(env, 'transcripts')).json);
  const insist = await runCli(['blocks', '--json', '--from', 'history'], { env });
  assert.equal(insist.code, 2);
  assert.match(insist.stderr, /does not read/);
  assert.equal(insist.stdout, '');
});

test('blocks on a generated history (junk, resumed sessions, subagents): the history, the scan and ccusage agree', async () => {
  const home = await tempDir('blocks-history-gen');
  const summary = await generateCorpus({ outDir: home, seed: 19, targetBytes: 10 * 1024 * 1024, start: new Date('2026-05-01T00:00:00Z'), end: new Date('2026-05-08T00:00:00Z') });
  assert.ok(summary.junkLines > 0, 'junk among the lines');
  assert.ok(summary.replayedLines > 0, 'resumed sessions replay earlier lines');
  assert.ok(discover([home]).files.some((f) => f.path.includes('/subagents/')), 'subagent transcripts');
  const list = await sameEitherWay(home);
  assert.ok(list.length >= 5, 'several blocks');
});
