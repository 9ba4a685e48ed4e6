import assert from 'node:assert/strict';
import { appendFileSync, closeSync, mkdtempSync, openSync, readSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { LineSplitter, linesOf, START, type LinePosition } from './lines.js';
import { readLinesSync } from './read.js';

/** What any reading must come to: the lines of `text` up to its last newline, those over `cap` bytes skipped. */
function reference(data: Buffer, cap: number, rest: boolean): { lines: string[]; overlong: number } {
  const parts: Buffer[] = [];
  let from = 0;
  for (let nl = data.indexOf(0x0a); nl !== -1; nl = data.indexOf(0x0a, from)) {
    parts.push(data.subarray(from, nl));
    from = nl + 1;
  }
  if (rest && from < data.length) parts.push(data.subarray(from));
  const keep = parts.filter((p) => p.length <= cap);
  return { lines: keep.map((p) => p.toString('utf8').replace(/\r$/, '')), overlong: parts.length - keep.length };
}

/** Feeds `data` to a splitter the way a reader would, with reads of the given sizes (cycled). */
function split(data: Buffer, at: LinePosition, o: { cap: number; reads: number[]; end: number; rest?: boolean; readBytes?: number }) {
  const s = new LineSplitter(at, { maxLine: o.cap, readBytes: o.readBytes, minRead: 16 });
  const lines: string[] = [];
  let i = 0;
  for (let r = s.next(); r; r = s.next()) {
    assert.ok(r.len > 0 && r.at + r.len <= r.buf.length, 'a read fits its buffer');
    const n = Math.max(0, Math.min(r.len, o.reads[i++ % o.reads.length], o.end - r.pos, data.length - r.pos));
    data.copy(r.buf, r.at, r.pos, r.pos + n);
    const c = s.took(n);
    if (c) lines.push(...linesOf(c));
    if (i > 100_000) throw new Error('no progress');
  }
  if (o.rest) {
    const rest = s.finish();
    if (rest.length) lines.push(rest.toString('utf8').replace(/\r$/, ''));
  }
  return { lines, overlong: s.overlong, at: s.position() };
}

const text = fc.array(
  fc.oneof(
    fc.constantFrom('\n', '\r\n', '{"a":1}', 'é', '😀', '\n\n'),
    fc.string({ maxLength: 40 }),
    fc.integer({ min: 1, max: 200 }).map((n) => 'x'.repeat(n)),
  ),
  { maxLength: 60 },
);

test('lines come out the same however the reads fall; lines over the cap are skipped and counted', () => {
  fc.assert(
    fc.property(text, fc.integer({ min: 1, max: 120 }), fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 5 }), fc.boolean(), (parts, cap, reads, rest) => {
      const data = Buffer.from(parts.join(''));
      const want = reference(data, cap, rest);
      const got = split(data, START, { cap, reads, end: data.length, rest });
      assert.deepEqual(got.lines, want.lines);
      assert.equal(got.overlong, want.overlong);
    }),
    { numRuns: 3000 },
  );
});

test('a file read in sessions as it grows (the live tailer) gives exactly the one-shot lines, each once', () => {
  fc.assert(
    fc.property(
      text,
      fc.integer({ min: 1, max: 120 }),
      fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 4 }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 }),
      (parts, cap, reads, cuts) => {
        const data = Buffer.from(parts.join(''));
        const want = reference(data, cap, false);
        // The file's size at each session: growing, as it is written.
        const ends = [...cuts.map((c) => Math.floor(c * data.length)).sort((a, b) => a - b), data.length];
        let at: LinePosition = { ...START };
        const lines: string[] = [];
        let overlong = 0;
        for (const end of ends) {
          if (end < at.scanned) continue; // a size seen already
          const got = split(data, at, { cap, reads, end, readBytes: 64 });
          lines.push(...got.lines);
          overlong += got.overlong;
          at = got.at;
          assert.ok(at.offset <= end && at.scanned <= end && at.offset <= at.scanned);
        }
        assert.deepEqual(lines, want.lines);
        assert.equal(overlong, want.overlong);
        // Everything through the last newline consumed; the unfinished rest searched, not consumed.
        assert.equal(at.offset, data.lastIndexOf(0x0a) + 1);
        assert.equal(at.scanned, data.length);
      },
    ),
    { numRuns: 3000 },
  );
});

test('an unfinished line is searched once: each byte is read at most twice over many sessions', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cg-lines-'));
  const file = path.join(dir, 'a.jsonl');
  writeFileSync(file, '');
  let at: LinePosition = { ...START };
  let readBytes = 0;
  const piece = 'y'.repeat(64 * 1024);
  const sessions = 200;
  for (let i = 0; i < sessions; i++) {
    appendFileSync(file, piece); // 12.5 MB in all, never a newline: under the cap
    const fd = openSync(file, 'r');
    try {
      const s = new LineSplitter(at, { end: (i + 1) * piece.length, readBytes: 1 << 20 });
      for (let r = s.next(); r; r = s.next()) {
        readBytes += r.len;
        s.took(readSync(fd, r.buf, r.at, r.len, r.pos));
      }
      at = s.position();
    } finally {
      closeSync(fd);
    }
  }
  appendFileSync(file, '\n{"next":1}\n');
  const fd = openSync(file, 'r');
  const got: string[] = [];
  const r = readLinesSync(fd, Infinity, at, (c) => void got.push(...linesOf(c)));
  closeSync(fd);
  assert.equal(r.overlong, 0);
  assert.equal(got.length, 2);
  assert.equal(got[0].length, sessions * piece.length);
  assert.equal(got[1], '{"next":1}');
  // Quadratic re-reading would be ~sessions/2 times the line; searched once, read once more at its newline.
  assert.ok(readBytes <= 1.01 * sessions * piece.length, `read ${readBytes} bytes for a ${sessions * piece.length}-byte line`);
});

test('a line over the cap is let go of as it is read: memory stays at the cap, and the next line counts', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cg-lines-'));
  const file = path.join(dir, 'a.jsonl');
  const cap = 1 << 20;
  writeFileSync(file, `{"a":1}\n${'z'.repeat(5 * cap)}\n{"b":2}\n`);
  const fd = openSync(file, 'r');
  const got: string[] = [];
  let area = Buffer.alloc(0);
  const r = readLinesSync(fd, Infinity, { ...START }, (c) => void got.push(...linesOf(c)), {
    maxLine: cap,
    area: (bytes) => {
      const bigger = Buffer.alloc(bytes);
      area.copy(bigger);
      return (area = bigger);
    },
  });
  const biggest = area.length;
  closeSync(fd);
  assert.deepEqual(got, ['{"a":1}', '{"b":2}']);
  assert.equal(r.overlong, 1);
  assert.ok(biggest <= 2 * cap + 65536, `the buffer grew to ${biggest} bytes`);
});
