import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assistant, prompt, toolResult } from '../../../test/helpers/lines.js';
import { parseLine } from './parse.js';

const T0 = '2026-02-12T10:00:00.000Z';

test('an assistant line becomes a response keyed by message id and request id', () => {
  const r = parseLine(assistant({ id: 'msg_1', req: 'req_1', at: '2026-02-12T10:00:00.000Z', input: 3, output: 7, cacheCreation: 11, cacheRead: 13 }));
  assert.ok(r.ok && r.events.length === 1 && r.events[0].kind === 'response');
  const ev = r.events[0];
  assert.equal(ev.key, 'msg_1:req_1');
  assert.equal(ev.at, Date.parse('2026-02-12T10:00:00.000Z'));
  assert.deepEqual(ev.tokens, { input: 3, output: 7, cacheCreation: 11, cacheRead: 13 });
  assert.equal(ev.thinkingReported, null);
});

test('reported thinking tokens are read from output_tokens_details', () => {
  const r = parseLine(assistant({ id: 'm', req: 'r', at: T0, output: 100, thinking: 40 }));
  assert.ok(r.ok && r.events[0]?.kind === 'response');
  assert.equal(r.events[0].thinkingReported, 40);
});

test('<synthetic> placeholder messages are marked, so they count in blocks but never as a model', () => {
  const r = parseLine(assistant({ id: 'm', req: 'r', at: T0, model: '<synthetic>' }));
  assert.ok(r.ok && r.events[0]?.kind === 'response');
  assert.equal(r.events[0].synthetic, true);
});

test('split cache-write figures, fast mode and advisor iterations are read as ccusage reads them', () => {
  const l = JSON.parse(assistant({ id: 'm', req: 'r', at: T0, cacheCreation: 999, output: 4 }));
  l.message.usage.cache_creation = { ephemeral_5m_input_tokens: 10, ephemeral_1h_input_tokens: 5 };
  l.message.usage.speed = 'fast';
  l.message.usage.iterations = [{ type: 'message', input_tokens: 1, output_tokens: 1 }, { type: 'advisor_message', model: 'claude-opus-4-6', input_tokens: 7, output_tokens: 2 }];
  const r = parseLine(JSON.stringify(l));
  assert.ok(r.ok);
  const [main, adv] = r.events as any[];
  assert.equal(main.tokens.cacheCreation, 15);
  assert.equal(main.model, 'claude-opus-4-6-fast');
  assert.equal(main.speed, true);
  assert.equal(r.events.length, 2);
  assert.equal(adv.key, 'm:advisor:1:r');
  assert.deepEqual(adv.tokens, { input: 7, output: 2, cacheCreation: 0, cacheRead: 0 });
  // ccusage types the list as a whole: one element without its counts loses every advisor, not the response.
  l.message.usage.iterations[0] = { type: 'message' };
  const lost = parseLine(JSON.stringify(l));
  assert.ok(lost.ok);
  assert.equal(lost.events.length, 1);
});

test('without a request id a response is known by message id within its session', () => {
  const l = JSON.parse(assistant({ id: 'm', req: 'x', at: T0, session: 'sess' }));
  delete l.requestId;
  const r = parseLine(JSON.stringify(l));
  assert.ok(r.ok && r.events[0]?.kind === 'response');
  assert.equal(r.events[0].key, 'm@sess');
});

test('prompts and tool results open a turn; an interrupt closes it', () => {
  const p = parseLine(prompt('2026-01-01T00:00:00Z'));
  assert.ok(p.ok && p.events[0]?.kind === 'turn' && p.events[0].awaiting);
  const t = parseLine(toolResult('2026-01-01T00:00:01Z'));
  assert.ok(t.ok && t.events[0]?.kind === 'turn' && t.events[0].awaiting);
  const i = parseLine(prompt('2026-01-01T00:00:02Z', '[Request interrupted by user]'));
  assert.ok(i.ok && i.events[0]?.kind === 'turn' && !i.events[0].awaiting);
});

test('meta lines and local command output do not open a turn', () => {
  const meta = JSON.stringify({ type: 'user', isMeta: true, timestamp: '2026-01-01T00:00:00Z', message: { content: 'x' } });
  assert.deepEqual(parseLine(meta), { ok: true, events: [] });
  assert.deepEqual(parseLine(prompt(0, '<command-name>/clear</command-name>')), { ok: true, events: [] });
});

test('progress lines that mirror subagent messages are not counted', () => {
  const inner = JSON.parse(assistant({ id: 'm', req: 'r', at: T0, output: 5 }));
  const line = JSON.stringify({ type: 'progress', sessionId: 's', timestamp: '2026-01-01T00:00:00Z', data: { type: 'agent_progress', message: inner } });
  assert.deepEqual(parseLine(line), { ok: true, events: [] });
});

test('malformed and truncated lines are reported, never thrown', () => {
  const good = assistant({ id: 'm', req: 'r', at: T0, output: 5 });
  assert.deepEqual(parseLine(good.slice(0, good.length - 10)), { ok: false, reason: 'malformed' });
  assert.deepEqual(parseLine('garbage "type":"assistant" here'), { ok: false, reason: 'malformed' });
  assert.deepEqual(parseLine('not json at all'), { ok: false, reason: 'malformed' });
  assert.deepEqual(parseLine(''), { ok: true, events: [] });
  const noTime = JSON.stringify({ ...JSON.parse(good), timestamp: 'yesterday' });
  assert.deepEqual(parseLine(noTime), { ok: false, reason: 'no-timestamp' });
});

test('a record with token counts that are not whole numbers in range is skipped, not counted as zero', () => {
  const l = JSON.parse(assistant({ id: 'm', req: 'r', at: T0 }));
  // ccusage drops each of these too (a count written 7.0 or 1e1 included: it reads counts as integers).
  for (const bad of ['-5', '"lots"', '1e400', '2.7', '7.0', '1e1', '1e308', '{}', 'null', 'true']) {
    l.message.usage = { input_tokens: 1, output_tokens: 'BAD' };
    const line = JSON.stringify(l).replace('"BAD"', bad);
    const r = parseLine(line);
    assert.ok(!r.ok && (r.reason === 'invalid' || r.reason === 'malformed'), `output_tokens ${bad}`);
  }
  // Beyond the gauges' range: ccusage counts it (any 64-bit count), we do not (core/validate.ts).
  l.message.usage = { input_tokens: 1, output_tokens: 1e10 };
  assert.deepEqual(parseLine(JSON.stringify(l)), { ok: false, reason: 'invalid' });
  // Missing cache counts are zero; a missing output count drops the record, as in ccusage.
  l.message.usage = { input_tokens: 1, output_tokens: 2, cache_read_input_tokens: 1_000_000_000 };
  const r = parseLine(JSON.stringify(l));
  assert.ok(r.ok && r.events[0]?.kind === 'response');
  assert.deepEqual(r.events[0].tokens, { input: 1, output: 2, cacheCreation: 0, cacheRead: 1_000_000_000 });
  l.message.usage = { input_tokens: 1 };
  assert.deepEqual(parseLine(JSON.stringify(l)), { ok: false, reason: 'invalid' });
});

test('timestamps outside 2000-2100 are no timestamp at all, though Date can hold them', () => {
  const good = JSON.parse(assistant({ id: 'm', req: 'r', at: T0, output: 5 }));
  for (const t of ['+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '1970-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z']) {
    assert.deepEqual(parseLine(JSON.stringify({ ...good, timestamp: t })), { ok: false, reason: 'no-timestamp' }, t);
  }
  assert.ok(parseLine(JSON.stringify({ ...good, timestamp: '2099-12-31T23:59:59.999Z' })).ok);
});
