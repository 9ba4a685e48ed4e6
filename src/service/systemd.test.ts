import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quoteWord, renderUnit, splitExecStart, unitDir } from './systemd.js';
import { plistArguments, renderPlist } from './launchd.js';
import { argsAfterScript, DAEMON_NODE_ARGS } from './spec.js';

const spec = { node: '/opt/node 20/bin/node', nodeArgs: DAEMON_NODE_ARGS, script: '/home/a "b"/bin/claude-gauge.js', args: ['serve', '--host', '100%$x\\y'], env: { CLAUDE_CONFIG_DIR: '/c' } };

test('ExecStart words survive quoting: spaces, quotes, percent, dollar, backslash', () => {
  const line = /^ExecStart=(.*)$/m.exec(renderUnit(spec))![1];
  assert.deepEqual(splitExecStart(line), [spec.node, ...DAEMON_NODE_ARGS, spec.script, ...spec.args]);
  assert.deepEqual(argsAfterScript(splitExecStart(line)), spec.args, 'what `service status` reads back');
  assert.equal(quoteWord('a%b$c'), '"a%%b$$c"');
  assert.equal(quoteWord('a$c', false), '"a$c"');
  assert.throws(() => quoteWord('a\nb'), /line break/);
});

test('the unit folder follows XDG_CONFIG_HOME', () => {
  assert.equal(unitDir({ XDG_CONFIG_HOME: '/x' }, '/h'), '/x/systemd/user');
  assert.equal(unitDir({}, '/h'), '/h/.config/systemd/user');
});

test('plist arguments are escaped and read back', () => {
  const s = { ...spec, args: ['serve', '--host', '<a&b>'] };
  assert.deepEqual(plistArguments(renderPlist(s, '/logs')), [s.node, ...DAEMON_NODE_ARGS, s.script, ...s.args]);
  assert.deepEqual(argsAfterScript(plistArguments(renderPlist(s, '/logs'))), s.args);
  // A unit written before the flags existed reads back the same.
  assert.deepEqual(argsAfterScript([s.node, s.script, ...s.args]), s.args);
  assert.match(renderPlist(s, '/logs'), /&lt;a&amp;b&gt;/);
});
