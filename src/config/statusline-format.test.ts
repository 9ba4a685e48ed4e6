import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, resolveConfig } from './index.js';
import { DEFAULT_FORMAT, parseFormat, resolveFormat, SEGMENTS } from './statusline-format.js';

const noFile = { CLAUDE_GAUGE_CONFIG: path.join(os.tmpdir(), 'cg-no-such-config.json') };
const VALID = 'valid: model, 5h, range, 7d, cost, context, tach, cache, lamps';

async function configWith(data: unknown): Promise<string> {
  const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'cg-format-')), 'config.json');
  await fs.writeFile(file, typeof data === 'string' ? data : JSON.stringify(data));
  return file;
}

test('a format is segment names, comma-separated or as a JSON array; spaces, case and repeats forgiven', () => {
  assert.deepEqual(parseFormat('model,5h,range,cost,context'), { segments: ['model', '5h', 'range', 'cost', 'context'] });
  assert.deepEqual(parseFormat(' Context , 5H ,,context,'), { segments: ['context', '5h'] });
  assert.deepEqual(parseFormat(['tach', 'lamps']), { segments: ['tach', 'lamps'] });
  assert.deepEqual(parseFormat([...SEGMENTS].join(',')), { segments: [...SEGMENTS] });
});

test('an unknown name is one line naming the valid ones', () => {
  assert.deepEqual(parseFormat('model,contxt,5h'), { problem: `unknown segment "contxt" (${VALID})`, unknown: 'contxt' });
  assert.deepEqual(parseFormat(['model', 7]), { problem: `unknown segment "7" (${VALID})`, unknown: '7' });
  assert.match((parseFormat('') as { problem: string }).problem, /at least one segment/);
  assert.match((parseFormat([]) as { problem: string }).problem, /at least one segment/);
  assert.match((parseFormat({ model: true }) as { problem: string }).problem, /comma-separated/);
  assert.match((parseFormat(5) as { problem: string }).problem, /comma-separated/);
});

test('resolved as every setting is: flag, then environment, then config file, then the default', async () => {
  const file = await configWith({ statusline: ['cost', 'tach'], port: 9000 });
  const env = { CLAUDE_GAUGE_CONFIG: file, CLAUDE_GAUGE_STATUSLINE: 'range,7d' };
  assert.deepEqual(resolveFormat('model', env).segments, ['model']);
  assert.deepEqual(resolveFormat(undefined, env).segments, ['range', '7d']);
  assert.deepEqual(resolveFormat('  ', { ...env, CLAUDE_GAUGE_STATUSLINE: '' }).segments, ['cost', 'tach'], 'empty flag and variable: unset');
  assert.deepEqual(resolveFormat(undefined, noFile), { segments: DEFAULT_FORMAT, problem: null, note: null });
  // The same answers from the resolver every other command uses.
  assert.deepEqual(resolveConfig({}, env).statuslineFormat, ['range', '7d']);
  assert.deepEqual(resolveConfig({}, { CLAUDE_GAUGE_CONFIG: file }).statuslineFormat, ['cost', 'tach']);
  assert.deepEqual(resolveConfig({}, noFile).statuslineFormat, [...DEFAULT_FORMAT]);
});

test('a bad format: the statusline keeps the default with a note; every other command stops with the same line', async () => {
  const r = resolveFormat('model,contxt', noFile);
  assert.deepEqual(r.segments, DEFAULT_FORMAT);
  assert.equal(r.problem, `invalid --format "model,contxt": unknown segment "contxt" (${VALID})`);
  assert.equal(r.note, 'unknown segment "contxt"');
  const env = { ...noFile, CLAUDE_GAUGE_STATUSLINE: 'model,\u001b[2Jcontxt' };
  assert.doesNotMatch(resolveFormat(undefined, env).note!, /\u001b/, 'no control characters onto the terminal');
  assert.match(resolveFormat(undefined, { ...noFile, CLAUDE_GAUGE_STATUSLINE: 'x'.repeat(500) }).note!, /^unknown segment "x{23}…"$/);
  assert.throws(() => resolveConfig({}, env), (e: unknown) => e instanceof ConfigError && /^invalid CLAUDE_GAUGE_STATUSLINE ".*": unknown segment/.test(e.message) && e.message.includes(VALID));
  const file = await configWith({ statusline: 'model,bogus' });
  assert.match(resolveFormat(undefined, { CLAUDE_GAUGE_CONFIG: file }).problem!, /^invalid "statusline" in .*config\.json "model,bogus": unknown segment "bogus"/);
  assert.throws(() => resolveConfig({}, { CLAUDE_GAUGE_CONFIG: file }), /"statusline" in .*unknown segment "bogus"/);
  assert.equal(resolveFormat(undefined, { CLAUDE_GAUGE_CONFIG: await configWith({ statusline: [] }) }).note, 'bad statusline format');
});

test("a config file the statusline cannot read costs it nothing (other commands say what is wrong with it)", async () => {
  for (const text of ['{ not json', '[1,2]', 'null', '"model"']) {
    assert.deepEqual(resolveFormat(undefined, { CLAUDE_GAUGE_CONFIG: await configWith(text) }), { segments: DEFAULT_FORMAT, problem: null, note: null }, text);
  }
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'cg-format-dir-'));
  assert.deepEqual(resolveFormat(undefined, { CLAUDE_GAUGE_CONFIG: folder }).segments, DEFAULT_FORMAT);
});
