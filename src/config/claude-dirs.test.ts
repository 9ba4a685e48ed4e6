import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { claudeConfigDirs, expandHome } from './claude-dirs.js';

test('CLAUDE_CONFIG_DIR may list several folders; only those are used', () => {
  const d = claudeConfigDirs({ CLAUDE_CONFIG_DIR: ' /a/b , ~/c,/a/b' }, '/home/u');
  assert.deepEqual(d.dirs, [path.resolve('/a/b'), path.resolve('/home/u/c')]);
  assert.equal(d.from, 'env');
});

test('without CLAUDE_CONFIG_DIR both default folders are candidates', () => {
  const d = claudeConfigDirs({}, '/home/u');
  assert.deepEqual(d.dirs, [path.join('/home/u', '.config', 'claude'), path.join('/home/u', '.claude')]);
  assert.equal(d.from, 'default');
});

test('~ expands with either slash (Windows users type backslashes)', () => {
  assert.equal(expandHome('~\\x', '/h'), path.join('/h', 'x'));
  assert.equal(expandHome('~/x', '/h'), path.join('/h', 'x'));
});
