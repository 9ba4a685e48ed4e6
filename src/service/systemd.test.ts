import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quoteWord, renderUnit, splitExecStart, unitDir } from './systemd.js';
import { plistArguments, renderPlist } from './launchd.js';

const spec = { node: '/opt/node 20/bin/node', script: '/home/a "b"/bin/claude-gauge.js', args: ['serve', '--host', '100%$x\\y'], env: { CLAUDE_CONFIG_DIR: '/c' } };

test('ExecStart words survive quoting: spaces, quotes, percent, dollar, backslash', () => {
  const line = /^ExecStart=(.*)$/m.exec(renderUnit(spec))![1];
  assert.deepEqual(splitExecStart(line), [spec.node, spec.script, ...spec.args]);
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
  assert.deepEqual(plistArguments(renderPlist(s, '/logs')), [s.node, s.script, ...s.args]);
  assert.match(renderPlist(s, '/logs'), /&lt;a&amp;b&gt;/);
});
