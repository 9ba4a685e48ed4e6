// The WebAssembly finder must find exactly the lines Buffer.indexOf finds: on every real and
// generated transcript, on bytes made to trip a 16-byte search (marks at every offset, near
// misses, marks glued together, the last few bytes), and across a buffer that has to grow.
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promises as fs } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { FIXTURES, tempDir } from '../../../test/helpers/cli.js';
import { generateHistory } from '../../generate/index.js';
import { discover } from './discover.js';
import { scanFiles, UsageReader } from './scan.js';
import { findMarked, PlainFinder, wasmModule, WasmFinder, type LineFinder } from './usage-lines.js';

function wasm(): WasmFinder {
  const m = wasmModule();
  assert.ok(m, 'dist/wasm/usage-lines.wasm loads (npm run build compiles it)');
  return new WasmFinder(m);
}

/** Both finders on the same bytes, held in each one's own reading area. */
function both(bytes: Buffer, finder: LineFinder = wasm()): { fast: number[]; plain: number[] } {
  const lastNl = bytes.lastIndexOf(0x0a);
  const area = finder.area(Math.max(bytes.length, 1));
  bytes.copy(area);
  return { fast: [...finder.find(lastNl)], plain: [...findMarked(bytes, lastNl)] };
}

test('the WebAssembly module loads here, so scans take the fast path', () => {
  assert.ok(wasmModule() instanceof WebAssembly.Module);
});

test('same usage lines as Buffer.indexOf in every fixture and generated transcript', async () => {
  const gen = await tempDir('usage-lines');
  await generateHistory({ outDir: gen, seed: 11, targetBytes: 8 * 1024 * 1024, start: new Date('2026-05-01T00:00:00Z'), end: new Date('2026-05-04T00:00:00Z') });
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
  const cut = both(Buffer.from(`{"type":"assistant",${msg}}\n`), finder).fast;
  assert.ok(cut[2] > 0 && cut[3] > cut[2], 'the plain case is cut');
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
      new UsageReader(finder).read(fd, { records: 0, skipped: 0, repaired: 0 }, (e) => e.kind === 'response' && keys.push(e.key), true);
    } finally {
      closeSync(fd);
    }
    assert.deepEqual(keys, ['msg_a:req_a', 'msg_b:req_b', 'msg_c:req_c'], finder.constructor.name);
  }
  assert.equal(scanFiles([file]).responses.length, 3);
});
