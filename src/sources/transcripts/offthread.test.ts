import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fixtureCopy } from '../../../test/helpers/cli.js';
import { discover, type Discovery } from './discover.js';
import { discoverOffThread } from './offthread.js';

const canonical = (d: Discovery) => ({ ...d, files: d.files.map((f) => `${f.path} ${f.size} ${f.mtimeMs} ${f.id}`).sort() });

test("a rescan's listing on another thread finds what this thread finds", async () => {
  const dir = await fixtureCopy();
  await fs.symlink(path.join(dir, 'projects'), path.join(dir, 'projects', 'loop'), 'dir');
  const here = discover([dir]);
  assert.ok(here.files.length > 10);
  assert.deepEqual(canonical(await discoverOffThread([dir])), canonical(here));
  const missing = path.join(dir, 'nothing-here');
  assert.deepEqual(await discoverOffThread([missing]), discover([missing]));
});
