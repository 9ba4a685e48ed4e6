// Property-based fuzzing of the transcript parser, the bulk scanner and the fold behind them
// (60 s per CI run). Lines are built the way Claude Code writes them and then damaged the way
// crashes damage them: torn at any byte, glued to the next record, mutated outside the content,
// or pure junk; hostile.ts adds values across and beyond every range. Checked: parseLine never
// throws and never yields a bad count; the scanner's byte-level fast path (lines picked by the
// usage mark, content cut before decoding) gives exactly the events the plain line-by-line path
// gives, line by line and over whole files with lines longer than its buffer; and whatever the
// lines, or any events at all, do through the Admission gate to the live Engine, as the clock
// moves on, jumps or goes back, every snapshot validates against the /usage schema and the
// engine never throws on an event the gate let through.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import type { GaugeEvent, ResponseEvent, TurnEvent } from '../../src/core/events.js';
import { beats } from '../../src/core/response-fold.js';
import { eventsFromLines } from '../../src/sources/transcripts/lines.js';
import { parseLine } from '../../src/sources/transcripts/parse.js';
import { scanChunk, scanFiles } from '../../src/sources/transcripts/scan.js';
import { Fold } from './engine-harness.js';
import { fuzzFor } from './fuzz-loop.js';
import { Hostile } from './hostile.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cg-fuzz-transcripts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// --- generators: records shaped as Claude Code writes them -----------------------------------

/** Strings with the byte runs the fast path looks for, so escaping is put to the test. */
const tricky = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('"usage":{', ',"stop_reason":', '"message":{', '"content":[', '{"sessionId":"x"}', '\\', '\n', '\u2028', '\ud800', '[Request interrupted by user]', '<command-name>/x'),
);
const keyish = fc.constantFrom('message', 'usage', 'content', 'stop_reason', 'type', 'sessionId', 'id', 'input_tokens', 'x');
/** Tool inputs are free JSON: they may carry the marker keys as real structure. */
const toolInput = fc.dictionary(keyish, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 });
const block = fc.oneof(
  fc.record({ type: fc.constant('text'), text: tricky }),
  fc.record({ type: fc.constant('thinking'), thinking: tricky, signature: fc.string({ maxLength: 8 }) }),
  fc.record({ type: fc.constant('tool_use'), id: fc.string({ maxLength: 6 }), name: fc.string({ maxLength: 6 }), input: toolInput }),
);
const tokenValue = fc.oneof(
  { weight: 6, arbitrary: fc.nat(2_000_000) },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: -1000, max: -1 }), fc.double(), fc.string({ maxLength: 4 }), fc.constant(null), fc.constant(1e400)) },
);
const usage = fc.record(
  {
    input_tokens: tokenValue,
    cache_creation_input_tokens: tokenValue,
    cache_read_input_tokens: tokenValue,
    output_tokens: tokenValue,
    cache_creation: fc.record({ ephemeral_5m_input_tokens: tokenValue, ephemeral_1h_input_tokens: tokenValue }),
    output_tokens_details: fc.record({ thinking_tokens: tokenValue }),
    speed: fc.constantFrom('fast', 'standard', ''),
    iterations: fc.array(fc.record({ type: fc.constantFrom('message', 'advisor_message'), model: fc.constantFrom('claude-opus-4-6', 'claude-haiku-4-5'), input_tokens: tokenValue, output_tokens: tokenValue }), { maxLength: 3 }),
  },
  { requiredKeys: ['input_tokens', 'output_tokens'] },
);
const timestamp = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: Date.parse('2024-01-01'), max: Date.parse('2027-01-01') }).map((t) => new Date(t).toISOString()) },
  { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 8 }), fc.constant(12345), fc.constant(null)) },
);
const ids = {
  session: fc.constantFrom('s1', 's2', 'f9d3c0de-0000-4000-8000-000000000001'),
  msg: fc.constantFrom('msg_a', 'msg_b', 'msg_c', ''),
  req: fc.constantFrom('req_1', 'req_2', ''),
};

/** An assistant record in Claude Code's key order (type after the message), or with type first. */
const assistantRecord = fc
  .record({
    typeFirst: fc.boolean(),
    sessionId: ids.session,
    agentId: fc.option(fc.constantFrom('a1', 'a2'), { nil: undefined }),
    isSidechain: fc.boolean(),
    model: fc.constantFrom('claude-opus-4-6', 'claude-sonnet-4-5', 'claude-haiku-4-5', '<synthetic>'),
    id: ids.msg,
    requestId: ids.req,
    content: fc.array(block, { maxLength: 4 }),
    stop: fc.constantFrom('end_turn', 'tool_use', null),
    usage,
    uuid: fc.uuid(),
    timestamp,
  })
  .map((r) => {
    const head: Record<string, unknown> = r.typeFirst ? { type: 'assistant' } : {};
    const rec: Record<string, unknown> = { ...head, parentUuid: null, isSidechain: r.isSidechain, userType: 'external', cwd: '/home/dev/x', sessionId: r.sessionId };
    if (r.agentId) rec.agentId = r.agentId;
    rec.version = '2.1.0';
    rec.message = { model: r.model, id: r.id || undefined, type: 'message', role: 'assistant', content: r.content, stop_reason: r.stop, stop_sequence: null, usage: r.usage };
    if (r.requestId) rec.requestId = r.requestId;
    if (!r.typeFirst) rec.type = 'assistant';
    rec.uuid = r.uuid;
    rec.timestamp = r.timestamp;
    return JSON.stringify(rec);
  });

const userRecord = fc
  .record({ sessionId: ids.session, content: fc.oneof(tricky, fc.array(fc.oneof(block, fc.record({ type: fc.constant('tool_result'), tool_use_id: fc.string({ maxLength: 4 }), content: tricky })), { maxLength: 3 })), isMeta: fc.boolean(), timestamp })
  .map((r) => JSON.stringify({ parentUuid: null, sessionId: r.sessionId, type: 'user', message: { role: 'user', content: r.content }, isMeta: r.isMeta || undefined, timestamp: r.timestamp }));

/** Subagent mirrors: a whole assistant record one level down, never counted itself. */
const progressRecord = assistantRecord.map((inner) => JSON.stringify({ type: 'progress', sessionId: 's1', timestamp: '2026-01-01T00:00:00.000Z', data: { type: 'agent_progress', message: JSON.parse(inner) } }));
const otherRecord = fc.oneof(
  fc.constant('{"type":"summary","summary":"x","leafUuid":"u"}'),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
);
const record = fc.oneof({ weight: 5, arbitrary: assistantRecord }, { weight: 2, arbitrary: userRecord }, { weight: 1, arbitrary: progressRecord }, { weight: 1, arbitrary: otherRecord });

/** A crashed write leaves a record's head; the next write appends a whole record to it. */
const tornThenWhole = fc.tuple(fc.array(fc.tuple(record, fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 3 }), record).map(([torn, whole]) => torn.map(([r, f]) => r.slice(0, Math.floor(r.length * f))).join('') + whole);

/** Damage outside the content array (inside it the fast path does not look: see the docs). */
const mutated = fc.tuple(record, fc.nat(), fc.constantFrom('delete', 'insert', 'replace'), fc.string({ unit: 'binary', minLength: 1, maxLength: 6 })).map(([line, at, op, junk]) => {
  const c = line.indexOf('"content":[');
  const s = line.lastIndexOf(',"stop_reason":');
  let i = at % (line.length + 1);
  // The scanner cuts [c + 10, s) (the content array) unread: damage there is moved past it.
  const cut = c !== -1 && s > c;
  if (cut && op === 'insert' && i > c + 10 && i <= s) i = s + 1;
  if (cut && op !== 'insert' && i < s && i + junk.length > c + 10) i = s;
  if (op === 'delete') return line.slice(0, i) + line.slice(i + junk.length);
  if (op === 'insert') return line.slice(0, i) + junk + line.slice(i);
  return line.slice(0, i) + junk + line.slice(i + junk.length);
});
const junk = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', 'usage', 'message', 'content', 'stop_reason', 'type', 'assistant', '1', ' ', '\\'), maxLength: 60 }));
const anyLine = fc.oneof({ weight: 3, arbitrary: record }, { weight: 3, arbitrary: tornThenWhole }, { weight: 3, arbitrary: mutated }, { weight: 1, arbitrary: junk });

// --- the two paths ------------------------------------------------------------------------

type Ev = ResponseEvent | TurnEvent;
const plainEvents = (lines: string[], turns: boolean): Ev[] => {
  const out: Ev[] = [];
  eventsFromLines(lines, { records: 0, skipped: 0 }, (e) => out.push(e), turns);
  return out;
};

/** What the scanner decodes for a buffer, through the same line -> event step. */
function fastEvents(text: string): Ev[] {
  const buf = Buffer.from(`${text}\n`);
  const out: Ev[] = [];
  scanChunk(buf, buf.length - 1, { records: 0, skipped: 0 }, (e) => out.push(e));
  return out;
}

function saneEvent(e: Ev): void {
  assert.ok(Number.isFinite(e.at), 'a finite time');
  if (e.kind !== 'response') return;
  for (const v of Object.values(e.tokens)) assert.ok(Number.isInteger(v) && v >= 0, `tokens are finite non-negative integers: ${JSON.stringify(e.tokens)}`);
  assert.ok(typeof e.key === 'string' && e.key.length > 0);
}

const parserNeverThrows = fc.property(fc.oneof(anyLine, junk), (line) => {
  for (const detail of [true, false]) {
    const r = parseLine(line, detail);
    if (r.ok) r.events.forEach(saneEvent);
    else assert.ok(r.reason === 'malformed' || r.reason === 'no-timestamp' || r.reason === 'invalid', r.reason);
  }
});

const junkHasNoTokens = fc.property(junk, (line) => {
  // Junk that is not a record at all never counts tokens, repaired or not.
  for (const e of plainEvents([line], true)) assert.fail(`junk produced ${JSON.stringify(e)}`);
});

const scannerAgrees = fc.property(anyLine, (line) => {
  // The scanner sees bytes: compare against the same bytes decoded, split where it splits.
  const decoded = Buffer.from(line).toString('utf8');
  assert.deepEqual(fastEvents(line), plainEvents(decoded.split('\n'), false));
});

const wholeRecordGluedToJunkCountsOnce = fc.property(junk, assistantRecord, (j, rec) => {
  // The repair may give up on a deep record (it tries 8 starts) but never counts twice or invents.
  const alone = plainEvents([rec], false);
  const glued = plainEvents([j.replace(/\n/g, '') + rec], false);
  assert.ok(glued.length === 0 || JSON.stringify(glued) === JSON.stringify(alone), `${JSON.stringify(glued)} vs ${JSON.stringify(alone)}`);
});

/** A record with a text block of `mib` MiB first in its content: longer than the scanner's buffer. */
function bigger(line: string, mib: number): string {
  const r = JSON.parse(line);
  r.message.content.unshift({ type: 'text', text: 'x'.repeat(mib * 1024 * 1024) });
  return JSON.stringify(r);
}

let fileNo = 0;
const wholeFilesAgree = fc.property(
  fc.array(fc.oneof({ weight: 8, arbitrary: anyLine }, { weight: 1, arbitrary: fc.constantFrom(1, 2.5).chain((mib) => assistantRecord.map((r) => bigger(r, mib))) }), { maxLength: 12 }),
  fc.boolean(),
  (lines, endsWithNewline) => {
    const file = path.join(dir, `f${fileNo++ % 4}.jsonl`);
    const text = lines.join('\n') + (endsWithNewline ? '\n' : '');
    writeFileSync(file, text);
    const fast = scanFiles([file]).responses;
    // Reference: every line (the last one without its newline too), folded as the scanner folds.
    const byKey = new Map<string, ResponseEvent>();
    for (const e of plainEvents(Buffer.from(text).toString('utf8').split('\n'), false)) {
      if (e.kind !== 'response') continue;
      const had = byKey.get(e.key);
      if (!had || beats(e, had)) byKey.set(e.key, e);
    }
    assert.deepEqual(fast, [...byKey.values()]);
  },
);

// --- the fold: lines and events through the Admission gate into the live Engine ------------

const NOW = Date.parse('2026-06-01T12:00:00Z');
const MIN = 60_000;
/** Numbers from across the double range, and the edges of the Date range. */
const anyNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, 1, -1, 0.5, 1e9, 1e9 + 1, 2 ** 53, 1e15, 1e308, -1e308, Number.MAX_VALUE, Number.MIN_VALUE, Infinity, -Infinity, NaN, 8.64e15, 8.64e15 + 1, -8.64e15, Date.UTC(2000, 0, 1), Date.UTC(2100, 0, 1)),
);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(anyNumber, fc.string({ maxLength: 8 }), fc.constantFrom(null, undefined, true, false, '', 'x'.repeat(5000)), fc.constant({}), fc.constant([]));
const eventTime = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: NOW - 8 * 60 * MIN, max: NOW + 10 * MIN }) }, { weight: 1, arbitrary: fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2200, 0, 1) }) }, { weight: 2, arbitrary: anyNumber }, { weight: 1, arbitrary: anyValue });
const count = fc.oneof({ weight: 6, arbitrary: fc.nat(50_000) }, { weight: 1, arbitrary: fc.nat(1_000_000_000) }, { weight: 2, arbitrary: anyNumber }, { weight: 1, arbitrary: anyValue });
const tokenSet = fc.oneof({ weight: 9, arbitrary: fc.record({ input: count, output: count, cacheCreation: count, cacheRead: count }) }, { weight: 1, arbitrary: anyValue });
const someName = fc.oneof({ weight: 8, arbitrary: fc.constantFrom('claude-opus-4-6', 'claude-sonnet-4-5', 'claude-haiku-4-5', '<synthetic>', '', 's1', 's2', 'k1', 'k2', 'k3') }, { weight: 1, arbitrary: anyValue });
const limitWindow = fc.oneof(fc.constant(null), fc.record({ usedPercentage: fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), anyNumber), resetsAt: eventTime }), anyValue);
/**
 * Events as any source could hand them over: every field a record or a reply supplies takes any
 * value; the flags and the origin, which each source sets itself, stay what it can set them to.
 */
const anyEvent: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('response'), key: someName, at: eventTime, model: someName, tokens: tokenSet, thinkingReported: fc.oneof(fc.constant(null), count), visibleChars: count, session: someName, synthetic: fc.boolean(), sidechain: fc.boolean(), speed: fc.boolean(), noThinking: fc.option(fc.boolean(), { nil: undefined }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('turn'), at: eventTime, session: someName, awaiting: fc.boolean(), exact: fc.option(fc.boolean(), { nil: undefined }), open: fc.option(fc.boolean(), { nil: undefined }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('limits'), at: eventTime, fiveHour: limitWindow, sevenDay: limitWindow }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('window'), at: eventTime, origin: fc.constantFrom('ccusage', 'prometheus'), tokens: fc.oneof(count, fc.nat(1e15)), blockStart: fc.oneof(fc.constant(null), eventTime), blockEnd: fc.oneof(fc.constant(null), eventTime), freshMs: fc.oneof(fc.nat(600_000), anyNumber) }) },
  { weight: 1, arbitrary: fc.oneof(anyValue, fc.record({ kind: fc.oneof(fc.constant('bogus'), anyValue), at: eventTime })) },
);
/** The clock between events: the seconds a daemon ticks, a suspend of hours, a clock set back. */
const clockStep = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 2 * MIN }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 12 * 60 * MIN }) }, { weight: 1, arbitrary: fc.integer({ min: -60 * MIN, max: 0 }) });
type FoldStep = { event: unknown } | { step: number };
const foldSteps = fc.array(fc.oneof({ weight: 4, arbitrary: anyEvent.map((event) => ({ event })) }, { weight: 1, arbitrary: clockStep.map((step) => ({ step })) }), { maxLength: 60 });

/** Drives a fold and checks it after every clock step and at the end; `engineFailures` counts what the gate contained. */
function runFold(steps: FoldStep[]): void {
  const fold = new Fold(NOW);
  for (const s of steps) {
    if ('event' in s) fold.admit(s.event as GaugeEvent);
    else {
      fold.now += s.step;
      fold.snapshot();
    }
  }
  fold.snapshot();
  const failed = fold.admission.counts().failed;
  assert.equal(failed, 0, `the engine threw on ${failed} admitted event(s): ${fold.admission.problems().join('; ')}`);
}

const eventsFoldToValidSnapshots = fc.property(foldSteps, (steps) => runFold(steps));

/** Transcript lines, Claude Code-shaped and hostile, as the live tailer hands them to the gate. */
const hostileLine = fc.integer().map((seed) => new Hostile(seed, NOW).transcriptLine().toString('utf8'));
const linesFoldToValidSnapshots = fc.property(
  fc.array(fc.oneof({ weight: 3, arbitrary: anyLine.map((line) => ({ line })) }, { weight: 3, arbitrary: hostileLine.map((line) => ({ line })) }, { weight: 1, arbitrary: clockStep.map((step) => ({ step })) }), { maxLength: 40 }),
  (items) => {
    const steps: FoldStep[] = [];
    for (const it of items) {
      if ('step' in it) steps.push(it);
      else eventsFromLines([it.line], { records: 0, skipped: 0 }, (event) => steps.push({ event }), true);
    }
    runFold(steps);
  },
);

test('transcript parser, bulk scanner and fold: no throw, no bad count, the fast path agrees, every snapshot valid (fuzzed for 60 s)', { timeout: 300_000 }, async (t) => {
  const report = await fuzzFor('transcripts', [
    { name: 'parseLine never throws, counts sane', property: parserNeverThrows, batch: 300 },
    { name: 'junk has no tokens', property: junkHasNoTokens, batch: 300 },
    { name: 'scanner == parseLine per line', property: scannerAgrees, batch: 300 },
    { name: 'record glued to junk counted at most once', property: wholeRecordGluedToJunkCountsOnce, batch: 200 },
    { name: 'scanFiles == line by line over files', property: wholeFilesAgree, batch: 10 },
    { name: 'any events through the gate: schema-valid snapshots, no engine throw', property: eventsFoldToValidSnapshots, batch: 100 },
    { name: 'lines through the gate: schema-valid snapshots, no engine throw', property: linesFoldToValidSnapshots, batch: 50 },
  ]);
  t.diagnostic(report.summary());
  console.log(report.summary());
  for (const tally of report.tallies) assert.ok(tally.inputs > 0, `${tally.name} ran`);
});
