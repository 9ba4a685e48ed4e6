import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { newCheckpoint } from '../files/checkpoint.js';
import { fileId } from '../files/fingerprint.js';
import { readNew, type TailState } from './tail.js';

async function setup(content: string) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cg-tail-'));
  const file = path.join(dir, 'a.jsonl');
  await fs.writeFile(file, content);
  const st = await fs.stat(file, { bigint: true });
  const state: TailState = newCheckpoint(fileId(st), file);
  const read = async (opts = {}) => {
    const got: string[] = [];
    const r = await readNew(state, (l) => got.push(...l), opts);
    return { lines: got, ...r };
  };
  return { dir, file, state, read };
}

test('complete lines are read once; an unfinished last line waits for its newline', async () => {
  const t = await setup('{"a":1}\n{"b":');
  assert.deepEqual((await t.read()).lines, ['{"a":1}']);
  assert.equal(t.state.offset, 8);
  assert.deepEqual((await t.read()).lines, []);
  await fs.appendFile(t.file, '2}\n{"c":3}\n');
  assert.deepEqual((await t.read()).lines, ['{"b":2}', '{"c":3}']);
});

test('CRLF line endings are stripped (transcripts copied from Windows)', async () => {
  const t = await setup('{"a":1}\r\n{"b":2}\r\n');
  assert.deepEqual((await t.read()).lines, ['{"a":1}', '{"b":2}']);
});

test('a one-shot read takes an unterminated last line', async () => {
  const t = await setup('{"a":1}\n{"b":2}');
  assert.deepEqual((await t.read({ takeUnterminated: true })).lines, ['{"a":1}', '{"b":2}']);
});

test('a truncated file is read again from the start', async () => {
  const t = await setup('{"a":1}\n{"b":2}\n');
  await t.read();
  await fs.writeFile(t.file, '{"z":9}\n');
  const r = await t.read();
  assert.equal(r.restarted, true);
  assert.deepEqual(r.lines, ['{"z":9}']);
});

test('a file replaced by another of the same or larger size is noticed by its head checksum', async () => {
  const long = (c: string) => `{"pad":"${c.repeat(300)}"}\n`;
  const t = await setup(long('a'));
  await t.read();
  // Same path, same inode (written in place), different content and larger.
  const fh = await fs.open(t.file, 'r+');
  await fh.write(long('b') + long('c'), 0);
  await fh.close();
  const r = await t.read();
  assert.equal(r.restarted, true);
  assert.equal(r.lines.length, 2);
});

test('a renamed file keeps its offset when the new path is given', async () => {
  const t = await setup('{"a":1}\n');
  await t.read();
  const moved = path.join(t.dir, 'b.jsonl');
  await fs.rename(t.file, moved);
  await fs.appendFile(moved, '{"b":2}\n');
  t.state.path = moved;
  const r = await t.read();
  assert.equal(r.restarted, false);
  assert.deepEqual(r.lines, ['{"b":2}']);
});

test('a deleted file reports gone instead of throwing', async () => {
  const t = await setup('{"a":1}\n');
  await fs.rm(t.file);
  assert.equal((await t.read()).unread?.why, 'gone');
});

test('lines longer than the read chunk survive intact', async () => {
  const big = `{"x":"${'y'.repeat(5 * 1024 * 1024)}"}`;
  const t = await setup(`${big}\n{"a":1}\n`);
  const r = await t.read();
  assert.equal(r.lines.length, 2);
  assert.equal(r.lines[0].length, big.length);
});

test('a 50 MB line written unterminated over many reads is searched once, skipped over the cap, and the next line counts', async () => {
  const t = await setup('{"a":1}\n');
  assert.deepEqual((await t.read()).lines, ['{"a":1}']);
  const piece = Buffer.alloc(5 * 1024 * 1024, 'x');
  const cpu = process.cpuUsage();
  let overlong = 0;
  for (let i = 0; i < 10; i++) {
    await fs.appendFile(t.file, piece);
    // Several reads per write, as the watcher, a direct watch and hot polling each ask.
    for (let j = 0; j < 3; j++) {
      const r = await t.read();
      assert.deepEqual(r.lines, []);
      overlong += r.overlong;
    }
  }
  await fs.appendFile(t.file, '\n{"b":2}\n');
  const last = await t.read();
  const used = process.cpuUsage(cpu);
  overlong += last.overlong;
  assert.deepEqual(last.lines, ['{"b":2}']);
  assert.equal(overlong, 1, 'the over-long line is counted once');
  const seconds = (used.user + used.system) / 1e6;
  console.log(`# 50 MB unterminated line, 31 reads: ${seconds.toFixed(2)} s of CPU (writes included)`);
  assert.ok(seconds < 1, `${seconds} s of CPU`);
});

test('FIFOs are skipped, not waited on, however many are read at once', { skip: process.platform === 'win32' && 'POSIX only' }, async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cg-tail-fifo-'));
  const { execFileSync } = await import('node:child_process');
  const states = Array.from({ length: 6 }, (_, i) => {
    const f = path.join(dir, `f${i}.jsonl`);
    execFileSync('mkfifo', [f]);
    return newCheckpoint('0:0', f);
  });
  const rs = await Promise.all(states.map((s) => readNew(s, () => assert.fail('nothing to read'))));
  for (const r of rs) assert.equal(r.unread?.why, 'skipped');
});
