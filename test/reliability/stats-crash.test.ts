// Crash safety: a child process ingesting a generated history is killed (SIGKILL) at random
// moments, then restarted; the result must equal one clean ingest, nothing lost or doubled.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { generateCorpus } from '../../src/generate/index.js';
import { openHistory, type Db } from '../../src/store/db.js';
import { ingestPaths, transcriptFiles } from '../../src/store/ingest.js';
import { tempDir } from '../helpers/cli.js';

// Child mode: ingest everything into the given history, then exit.
if (process.env.CG_STATS_CHILD) {
  const [home, dir] = JSON.parse(process.env.CG_STATS_CHILD) as [string, string];
  const h = openHistory(dir);
  ingestPaths(h.db, transcriptFiles([home]));
  h.close();
  process.exit(0);
}

const KILLS = 5;

function fingerprint(db: Db) {
  return {
    responses: db.prepare('SELECT count(*) n, sum(input) i, sum(output) o, sum(cache_create) c, sum(cache_read) r, sum(visible_chars) v, sum(thinking) t, round(sum(cost), 6) cost FROM responses').get(),
    texts: db.prepare('SELECT count(*) n, sum(em_dashes) e, sum(emoji) m, sum(chars) c FROM texts').get(),
    tools: db.prepare('SELECT count(*) n FROM tool_uses').get(),
    results: db.prepare('SELECT count(*) n, sum(is_error) e FROM tool_results').get(),
  };
}

function runChild(home: string, dir: string, killAfterMs: number | null): Promise<'killed' | 'done'> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], { env: { ...process.env, CG_STATS_CHILD: JSON.stringify([home, dir]) }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    const timer = killAfterMs === null ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0) resolve('done');
      else reject(new Error(`child exited ${code}: ${err}`));
    });
  });
}

test(`killed ${KILLS} times mid-ingest, the history still equals a clean ingest`, { timeout: 180_000 }, async () => {
  const home = await tempDir('crash-home');
  const end = Date.parse('2026-03-20T00:00:00Z');
  await generateCorpus({ outDir: home, seed: 7, targetBytes: 24 * 1024 * 1024, start: new Date(end - 10 * 86_400_000), end: new Date(end), uniquePrefix: 'crash' });
  const clean = openHistory(await tempDir('crash-clean'));
  const t0 = Date.now();
  ingestPaths(clean.db, transcriptFiles([home]));
  const cleanMs = Date.now() - t0;
  const want = fingerprint(clean.db);
  clean.close();

  const dir = await tempDir('crash-killed');
  let killed = 0;
  for (let i = 0; i < KILLS; i++) {
    // Random moments across the first run's span (children also pay start-up, so some land early).
    const at = 150 + Math.floor(Math.random() * Math.max(200, cleanMs));
    if ((await runChild(home, dir, at)) === 'killed') killed++;
  }
  assert.equal(await runChild(home, dir, null), 'done');
  const h = openHistory(dir);
  assert.deepEqual(fingerprint(h.db), want);
  assert.equal((h.db.pragma('integrity_check', { simple: true }) as string), 'ok');
  h.close();
  console.log(`# ${killed} of ${KILLS} children killed mid-run (clean ingest took ${cleanMs} ms)`);
});
