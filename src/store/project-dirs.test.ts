// A project folder's directory read from its transcripts' first lines: the one the history's
// reader keeps for it (a usage-only build, as `--project` read from the transcripts once made).
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { buildHistory } from './build.js';
import { migrate } from './db.js';
import { folderProjectOf } from './extract.js';
import { firstDirectories } from './project-dirs.js';
import { discover } from '../sources/transcripts/discover.js';
import { FIXTURES, tempDir } from '../../test/helpers/cli.js';
import { assistant, prompt } from '../../test/helpers/lines.js';

test('on real transcripts: the directories a usage-only build keeps for the same files in the same order', async () => {
  const files = discover([FIXTURES]).files;
  const db = new Database(':memory:');
  migrate(db);
  await buildHistory(db, files.map((f) => ({ path: f.path, size: f.size })), undefined, { usageOnly: true });
  const kept = new Map((db.prepare('SELECT folder, cwd FROM projects').all() as { folder: string; cwd: string }[]).map((r) => [r.folder, r.cwd]));
  db.close();
  const folders = new Set(files.map((f) => folderProjectOf(f.path)));
  assert.ok(kept.size >= 2, 'more than one project to tell apart');
  assert.deepEqual(firstDirectories(files.map((f) => f.path), folders), kept);
});

test('the first directory stated wins, in file order; lines without one are passed over; other folders are not read', async () => {
  const home = await tempDir('project-dirs');
  const folder = path.join(home, 'projects', '-work-app');
  await fs.mkdir(folder, { recursive: true });
  const at = Date.parse('2026-03-01T10:00:00Z');
  const withCwd = (line: string, cwd: string) => JSON.stringify({ ...JSON.parse(line), cwd });
  const files = {
    // A summary line and an assistant line with no directory: nothing stated.
    none: ['{"type":"summary","summary":"x","leafUuid":"u"}', assistant({ id: 'm0', req: 'r0', at, output: 1 })],
    first: ['not json', JSON.stringify({ type: 'system', cwd: '/not/a/message' }), withCwd(prompt(at + 1), '/work/app'), withCwd(assistant({ id: 'm1', req: 'r1', at: at + 2 }), '/work/other')],
    later: [withCwd(prompt(at + 3), '/work/later')],
  };
  const paths = await Promise.all(
    Object.entries(files).map(async ([name, lines]) => {
      const p = path.join(folder, `${name}.jsonl`);
      await fs.writeFile(p, lines.join('\n') + '\n');
      return p;
    }),
  );
  assert.deepEqual(firstDirectories(paths, new Set(['-work-app'])), new Map([['-work-app', '/work/app']]));
  assert.deepEqual(firstDirectories(paths.slice().reverse(), new Set(['-work-app'])), new Map([['-work-app', '/work/later']]), 'in the order given');
  assert.deepEqual(firstDirectories(paths, new Set(['-elsewhere'])), new Map(), 'a folder not asked for is not read');
  assert.deepEqual(firstDirectories([paths[0]], new Set(['-work-app'])), new Map(), 'none stated: none');
});
