import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HOOK_EVENTS } from '../sources/hooks/record.js';
import { isOurHook, withOurs, withoutOurs } from './hooks.js';

const CMD = "/usr/bin/node '/opt/claude gauge/bin/claude-gauge.js' hook";
const theirs = { Stop: [{ hooks: [{ type: 'command', command: 'notify-send done' }] }], PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'guard.sh' }] }] };

test('install adds one entry per event after the user hooks; again changes nothing', () => {
  const once = withOurs(structuredClone(theirs), CMD);
  assert.deepEqual(Object.keys(once).sort(), [...HOOK_EVENTS].sort());
  assert.deepEqual(once.Stop[0], theirs.Stop[0]);
  assert.deepEqual(once.PreToolUse[0], theirs.PreToolUse[0]);
  assert.deepEqual(once.PreToolUse[1], { matcher: '*', hooks: [{ type: 'command', command: CMD, timeout: 5 }] });
  assert.equal('matcher' in once.UserPromptSubmit[0], false);
  assert.deepEqual(withOurs(once, CMD), once);
});

test('uninstall removes ours only, from shared groups too, and drops what it leaves empty', () => {
  const mixed = { Stop: [{ hooks: [{ type: 'command', command: 'notify-send done' }, { type: 'command', command: CMD }] }] };
  assert.deepEqual(withoutOurs(mixed), { Stop: theirs.Stop });
  assert.deepEqual(withoutOurs(withOurs(structuredClone(theirs), CMD)), theirs);
  assert.deepEqual(withoutOurs(withOurs({}, CMD)), {});
});

test('only our hook command is taken as ours', () => {
  assert.equal(isOurHook({ command: CMD }), true);
  assert.equal(isOurHook({ command: 'claude-gauge statusline' }), false);
  assert.equal(isOurHook({ command: 'my-hooks.sh' }), false);
  assert.equal(isOurHook(null), false);
});
