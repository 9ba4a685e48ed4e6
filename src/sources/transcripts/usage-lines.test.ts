// The WebAssembly finder must find exactly the lines Buffer.indexOf finds: on every real and
// generated transcript, on bytes made to trip a 16-byte search (marks at every offset, near
// misses, marks glued together, the last few bytes), and across a buffer that has to grow. Its
// cuts and its "plain" verdicts must equal plain-json.ts's, and neither may change what a line
// counts for: on records bent every way ccusage cares about.
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promises as fs } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { FIXTURES, tempDir } from '../../../test/helpers/cli.js';
import { generateCorpus } from '../../generate/index.js';
import { discover } from './discover.js';
import { scanFiles, UsageReader } from './scan.js';
import type { ResponseEvent, TurnEvent } from '../../core/events.js';
import { eventsFromLines } from './lines.js';
import { strictProblems } from './strict-json.js';
import { COMPACTED, decodeCut, decodeWhole, findMarked, PLAIN_LINE, PlainFinder, wasmModule, WasmFinder, type LineFinder } from './usage-lines.js';

function wasm(): WasmFinder {
  const m = wasmModule();
  assert.ok(m, 'dist/wasm/usage-lines.wasm loads (npm run build compiles it)');
  return new WasmFinder(m);
}

/**
 * Both finders on the same bytes, held in each one's own reading area: the same lines, and the
 * same bytes in the areas after (plain lines are compacted in place).
 */
function both(bytes: Buffer, finder: LineFinder = wasm()): { fast: number[]; plain: number[]; area: Buffer } {
  const lastNl = bytes.lastIndexOf(0x0a);
  const area = finder.area(Math.max(bytes.length, 1));
  bytes.copy(area);
  const fast = [...finder.find(lastNl)];
  const reference = new PlainFinder();
  const plainArea = reference.area(Math.max(bytes.length, 1));
  bytes.copy(plainArea);
  const plain = [...reference.find(lastNl)];
  assert.ok(area.subarray(0, bytes.length).equals(plainArea.subarray(0, bytes.length)), 'the same bytes after compaction');
  // findMarked is the same but for compaction.
  assert.equal(findMarked(bytes, lastNl).length, plain.length);
  return { fast, plain, area: plainArea };
}

test('the WebAssembly module loads here, so scans take the fast path', () => {
  assert.ok(wasmModule() instanceof WebAssembly.Module);
});

test('same usage lines as Buffer.indexOf in every fixture and generated transcript', async () => {
  const gen = await tempDir('usage-lines');
  await generateCorpus({ outDir: gen, seed: 11, targetBytes: 8 * 1024 * 1024, start: new Date('2026-05-01T00:00:00Z'), end: new Date('2026-05-04T00:00:00Z') });
  const finder = wasm();
  let lines = 0;
  for (const f of [...discover([FIXTURES]).files, ...discover([gen]).files]) {
    const { fast, plain } = both(readFileSync(f.path), finder);
    assert.deepEqual(fast, plain, f.path);
    lines += plain.length / 4;
  }
  assert.ok(lines > 2000, `${lines} usage lines compared`);
});

test('marks at every offset of a 16-byte block, near misses and glued marks', () => {
  const finder = wasm();
  const MARK = '"usage":{';
  for (let pad = 0; pad < 40; pad++) {
    for (const tail of ['', 'x', '"a":1}', 'y'.repeat(17)]) {
      const text = `${'a'.repeat(pad)}${MARK}${tail}\n`;
      const { fast, plain } = both(Buffer.from(text + text + `{"b":1}\n` + text), finder);
      assert.deepEqual(fast, plain, JSON.stringify(text));
      assert.equal(plain.length, 12);
    }
  }
  for (const miss of ['"usage":[', '"usagE":{', '"usage" :{', 'usage":{', '"usage":', '\\"usage\\":{', '"usage"\n:{']) {
    const { fast, plain } = both(Buffer.from(`${'z'.repeat(20)}${miss}${'z'.repeat(30)}\n`), finder);
    assert.deepEqual(fast, plain, miss);
    assert.deepEqual(plain, [], miss);
  }
  // A mark right before the last newline, one cut by it, and bytes after it (an unfinished line).
  for (const text of [`${MARK}\n`, `ab${MARK}\n${MARK}`, `"usage"\n:{\n`, `${MARK}${MARK}\n\n\n${MARK}x\n`]) {
    const { fast, plain } = both(Buffer.from(text), finder);
    assert.deepEqual(fast, plain, JSON.stringify(text));
  }
});

test('where the content is cut: found the same way, glued and torn records included', () => {
  const finder = wasm();
  const msg = '"message":{"id":"m","content":[{"type":"text","text":"hi"}],"stop_reason":null,"usage":{"input_tokens":1}}';
  for (const line of [
    `{"type":"assistant",${msg}}`, // the plain case: cut
    `{"type":"assistant","message":{"content":[],"usage":{}},"x":1}`, // no stop_reason: whole
    `{"a":1,"stop_reason":2}\n{"message":{"content":["usage":{}]}}`, // stop_reason only on the line before: whole
    `{"type":"assistant","message":{"id":"a","content":[{"t":"x"${msg}}`, // a second message inside the cut: whole
    `{"message":{"stop_reason":1,"content":[1],"usage":{}}}`, // stop_reason before content: whole
    `{"message":{"content":[1],"stop_reason":1,"x":[],"stop_reason":2,"usage":{}}}`, // the last stop_reason counts
    `{"message":{"content":[],"stop_reason":"usage":{}}`.padStart(90, ' '),
  ]) {
    const { fast, plain } = both(Buffer.from(`${line}\n`), finder);
    assert.deepEqual(fast, plain, line);
  }
  const cut = findMarked(Buffer.from(`{"type":"assistant",${msg}}\n`), 200);
  assert.ok(cut[2] > 0 && (cut[3] & ~PLAIN_LINE) > cut[2] && cut[3] & PLAIN_LINE, 'the plain case is cut, and found plain');
  const compacted = both(Buffer.from(`{"type":"assistant",${msg}}\n`), finder);
  assert.equal(compacted.fast[2], COMPACTED, 'and the finders compact it');
  assert.equal(decodeWhole(compacted.area, Uint32Array.from(compacted.fast), 0), '{"type":"assistant","message":{"id":"m","usage":{"input_tokens":1}}}\n');
});

test('random lines over the patterns\' own bytes', () => {
  const finder = wasm();
  const piece = fc.constantFrom('"', 'u', 's', 'a', 'g', 'e', ':', '{', '\n', '"usage":{', '"usage":', 'x', '\\', '}', '"message":{', '"content":[', ',"stop_reason":', '"message":', '[', ',');
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 300 }), (parts) => {
      const { fast, plain } = both(Buffer.from(parts.join('')), finder);
      assert.deepEqual(fast, plain);
    }),
    { numRuns: 2000 },
  );
});

test('a line longer than the reading buffer grows it and is found whole, by either finder', async () => {
  const dir = await tempDir('usage-long');
  const file = path.join(dir, 'long.jsonl');
  const rec = (id: string, text: string) =>
    JSON.stringify({ type: 'assistant', sessionId: 's', requestId: `req_${id}`, timestamp: '2026-05-01T00:00:00.000Z', message: { id: `msg_${id}`, model: 'claude-sonnet-4-5', content: [{ type: 'text', text }], usage: { input_tokens: 3, output_tokens: 4 } } });
  await fs.writeFile(file, `${rec('a', 'x')}\n${rec('b', 'y'.repeat(5 * 1024 * 1024))}\n${rec('c', 'z')}\n`);
  for (const finder of [wasm(), new PlainFinder()]) {
    const keys: string[] = [];
    const fd = openSync(file, 'r');
    try {
      new UsageReader(finder).read(fd, { records: 0, skipped: 0 }, (e) => e.kind === 'response' && keys.push(e.key), true);
    } finally {
      closeSync(fd);
    }
    assert.deepEqual(keys, ['msg_a:req_a', 'msg_b:req_b', 'msg_c:req_c'], finder.constructor.name);
  }
  assert.equal(scanFiles([file]).responses.length, 3);
});

// Records as Claude Code writes them, then bent: extra members anywhere ccusage looks, and text
// edits for what JSON.stringify never writes (spaces, repeats, escapes, odd numbers, depth).
const scalar = fc.oneof(fc.integer({ min: -5, max: 1e6 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 6 }), fc.boolean(), fc.constant(null));
const NAMES = ['id', 'model', 'cwd', 'speed', 'type', 'input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation', 'ephemeral_5m_input_tokens', 'iterations', 'usage', 'message', 'content', 'x', 'timestamp'];
const member = fc.tuple(fc.constantFrom(...NAMES), fc.oneof(scalar, fc.jsonValue({ maxDepth: 2 })));
const bentRecord = fc
  .record({
    top: fc.array(member, { maxLength: 2 }),
    usage: fc.array(member, { maxLength: 2 }),
    items: fc.option(fc.array(fc.oneof(fc.record({ type: fc.constantFrom('message', 'advisor_message'), model: fc.oneof(fc.constant('m'), fc.constant(null), fc.constant('')), input_tokens: fc.nat(9), output_tokens: fc.nat(9) }), scalar), { maxLength: 3 })),
    tool: fc.dictionary(fc.constantFrom(...NAMES), fc.oneof(scalar, fc.jsonValue({ maxDepth: 3 })), { maxKeys: 4 }),
    text: fc.string({ maxLength: 40 }),
  })
  .map(({ top, usage, items, tool, text }) => {
    const r: any = { type: 'assistant', sessionId: 's', requestId: 'r', timestamp: '2026-05-01T00:00:00.000Z' };
    for (const [k, v] of top) r[k] = v;
    const u: any = { input_tokens: 3, output_tokens: 4 };
    for (const [k, v] of usage) u[k] = v;
    if (items) u.iterations = items;
    r.message = { id: 'msg', model: 'claude-opus-4-6', content: [{ type: 'text', text }, { type: 'tool_use', id: 't', input: tool }], stop_reason: null, usage: u };
    return JSON.stringify(r);
  });
const edit = fc.constantFrom<[string, string]>(
  ['"input_tokens":3', '"input_tokens":3.0'], ['"input_tokens":3', '"input_tokens":-0'], ['"input_tokens":3', '"input_tokens":3e0'],
  ['"input_tokens":', '"input_tokens": '], ['"usage":{', '"usage":{"input_tokens":1,'], ['"text":"', '"text":"\\ud800'], ['"text":"', '"text":"\\ud83d\\ude00'],
  ['"text":"', '"text":"\\\\ud800'], ['"input":{', '"input":{"n":1e400,'], ['"input":{', '"input":{"a":1,"a":2,'], ['"input":{', '"input":{"model":null,'],
  ['"input":{', `"input":{"d":${'['.repeat(70)}${']'.repeat(70)},`], ['"id":"t"', '"id": "t"'], ['"sessionId":"s"', '"sessionId":null'], ['"text":"', '"text":"\\u0041'],
  ['"content":[', '"content":[1e5,'], ['"stop_reason":null', '"stop_reason":null,"stop_reason":1'], ['"model":"m"', '"model":null'], ['"type":"text"', '"\\u0074ype":"text"'],
  ['"usage":{', '"usage":{"iterations":[{"type":"x","input_tokens":1.5,"output_tokens":1}],'], ['}}', '} }'],
);
const bentLine = fc.tuple(bentRecord, fc.array(edit, { maxLength: 2 })).map(([line, edits]) => edits.reduce((l, [a, b]) => l.replace(a, b), line));

function scanEvents(lines: Uint32Array, buf: Buffer): (ResponseEvent | TurnEvent)[] {
  const out: (ResponseEvent | TurnEvent)[] = [];
  eventsFromLines([decodeCut(buf, lines, 0)], { records: 0, skipped: 0 }, (e) => out.push(e), false, () => decodeWhole(buf, lines, 0));
  return out;
}

test('cuts and plain verdicts: the module equals plain-json.ts, and neither changes what a bent record counts for', () => {
  const finder = wasm();
  let plain = 0;
  fc.assert(
    fc.property(bentLine, (line) => {
      const buf = Buffer.from(`${line}\n`);
      const { fast, plain: reference, area } = both(buf, finder);
      assert.deepEqual(fast, reference);
      if (reference.length === 0) return;
      const lines = Uint32Array.from(reference);
      if (lines[3] & PLAIN_LINE) {
        plain++;
        assert.equal(strictProblems(line), 0, 'a plain line breaks none of the strict rules');
      }
      const whole: (ResponseEvent | TurnEvent)[] = [];
      eventsFromLines([line], { records: 0, skipped: 0 }, (e) => whole.push(e), false);
      assert.deepEqual(scanEvents(lines, area), whole, 'compacted or cut, the line counts as it does whole');
      // findMarked's cut copy (no compaction, as scanChunk reads) counts the same too.
      assert.deepEqual(scanEvents(findMarked(buf, buf.length - 1), buf), whole, 'cut');
    }),
    { numRuns: 3000 },
  );
  assert.ok(plain > 100, `${plain} plain lines among the bent ones`);
});
