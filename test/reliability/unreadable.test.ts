// Unreadable transcript folders and files. Tests run as root in CI, where chmod 000 stops nothing,
// so the daemon runs as an unprivileged user (setpriv, util-linux) and permissions are real.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs, existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { transcriptFiles } from '../../src/store/ingest.js';
import { fixtureCopy, getJson, isolatedEnv, tempDir, waitFor } from '../helpers/cli.js';
import { assistant } from '../helpers/lines.js';
import { cleanIngestRows, historyRows, startServeAs } from './helpers.js';
import { asNobody } from '../helpers/unprivileged.js';


function canDropRoot(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (to run the daemon as another user)';
  if (!existsSync('/usr/bin/setpriv')) return 'needs setpriv (util-linux)';
  return null;
}

test('an unreadable folder and file, and a folder that lists but cannot be entered: reported in source.problems, the rest counted, all of it once fixed', { timeout: 180_000 }, async (t) => {
  const why = canDropRoot();
  if (why) {
    if (process.env.CI) assert.fail(why);
    return t.skip(why);
  }
  const home = await fixtureCopy();
  const state = await tempDir('unreadable-state');
  execFileSync('chmod', ['-R', 'a+rX', home]);
  execFileSync('chown', ['65534:65534', state]);
  const projects = path.join(home, 'projects');
  const dirs = (await fs.readdir(projects)).sort().map((d) => path.join(projects, d));
  // A project folder whose entries can be listed (read) but not reached (no search permission):
  // every stat of its transcript fails, and its session folder cannot be listed.
  const listedOnly = path.join(projects, '-home-dev-listed-only');
  const listedOnlyFiles = [path.join(listedOnly, 's.jsonl'), path.join(listedOnly, 's', 'subagents', 'agent-x.jsonl')];
  await fs.mkdir(path.dirname(listedOnlyFiles[1]), { recursive: true });
  for (const [i, f] of listedOnlyFiles.entries()) await fs.writeFile(f, assistant({ id: `msg_lo${i}`, req: `req_lo${i}`, at: '2026-01-05T10:00:00.000Z', input: 11, output: 2, session: 's' }) + '\n');
  execFileSync('chmod', ['-R', 'a+rX', listedOnly]);
  const all = transcriptFiles([home]);
  const deniedDir = dirs[0];
  const deniedFile = all.find((f) => !f.startsWith(deniedDir + path.sep) && !f.startsWith(listedOnly + path.sep))!;
  const readable = all.filter((f) => !f.startsWith(deniedDir + path.sep) && !f.startsWith(listedOnly + path.sep) && f !== deniedFile);
  assert.ok(readable.length > 0 && readable.length < all.length - 3);
  const [wantReadable, wantAll] = [await cleanIngestRows(readable), await cleanIngestRows(all)];
  await fs.chmod(deniedDir, 0o000);
  await fs.chmod(deniedFile, 0o000);
  await fs.chmod(listedOnly, 0o444);

  const env = isolatedEnv({ HOME: home, CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state, CLAUDE_GAUGE_RESCAN_SECONDS: '1' });
  const s = await startServeAs(asNobody(), env);
  try {
    const pid = s.child.pid!;
    const uid = (await fs.readFile(`/proc/${pid}/status`, 'utf8')).match(/^Uid:\s+(\d+)/m)?.[1];
    assert.equal(uid, '65534', 'the daemon runs unprivileged');
    const u = await getJson(`${s.url}/usage`);
    assert.equal(u.source.ok, false);
    assert.ok(u.source.problems.includes(`cannot read ${deniedDir}: EACCES`), JSON.stringify(u.source.problems));
    assert.ok(u.source.problems.includes(`cannot read ${deniedFile}: EACCES`), JSON.stringify(u.source.problems));
    assert.ok(u.source.problems.includes(`cannot read ${listedOnlyFiles[0]}: EACCES`), JSON.stringify(u.source.problems));
    assert.ok(u.source.problems.includes(`cannot read ${path.join(listedOnly, 's')}: EACCES`), JSON.stringify(u.source.problems));
    assert.equal(u.source.files, readable.length, 'every readable file followed');
    await waitFor(async () => (await getJson(`${s.url}/api/summary`)).ingest?.backfilled === true, 60_000, 100);
    assert.equal(historyRows(state), wantReadable, 'the history holds everything readable');

    // Fixed: the next rescan finds them and reads them from their start.
    // Rescans (every second here) met all of it meanwhile, and the daemon kept serving.
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal((await getJson(`${s.url}/usage`)).source.files, readable.length);
    await fs.chmod(deniedDir, 0o755);
    await fs.chmod(deniedFile, 0o644);
    await fs.chmod(listedOnly, 0o755);
    const fixed = await waitFor(async () => {
      const v = await getJson(`${s.url}/usage`);
      return v.source.problems.length === 0 && v.source.files === all.length ? v : undefined;
    }, 30_000, 200);
    assert.equal(fixed.value.source.ok, true);
    await waitFor(async () => historyRows(state) === wantAll, 30_000, 200);
    console.log(`# unreadable: ${JSON.stringify({ files: all.length, unreadableFiles: all.length - readable.length, rowsWhileDenied: wantReadable, rowsAfterFix: wantAll, fixedAfterMs: fixed.ms })}`);
  } finally {
    await s.stop();
  }
});
