import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { configFile, stateDir } from './paths.js';

test('state and config folders follow each platform', () => {
  assert.equal(stateDir({}, 'linux', '/home/u'), path.join('/home/u', '.local', 'state', 'claude-gauge'));
  assert.equal(stateDir({ XDG_STATE_HOME: '/x' }, 'linux', '/home/u'), path.join('/x', 'claude-gauge'));
  assert.equal(stateDir({}, 'darwin', '/Users/u'), path.join('/Users/u', 'Library', 'Application Support', 'claude-gauge'));
  assert.equal(stateDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', 'C:\\Users\\u'), path.join('C:\\Users\\u\\AppData\\Local', 'claude-gauge'));
  assert.equal(configFile({}, 'linux', '/home/u'), path.join('/home/u', '.config', 'claude-gauge', 'config.json'));
  assert.equal(configFile({ APPDATA: 'C:\\R' }, 'win32', 'C:\\u'), path.join('C:\\R', 'claude-gauge', 'config.json'));
  assert.equal(stateDir({ CLAUDE_GAUGE_STATE_DIR: '/s' }, 'win32', '/h'), path.resolve('/s'));
});
