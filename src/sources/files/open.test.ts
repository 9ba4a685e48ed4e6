import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { classify, isUnread, openRegular, openRegularSync } from './open.js';

const POSIX = process.platform !== 'win32';

function dir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'cg-open-'));
}

test('FIFOs, sockets and devices under a transcript name are skipped, never waited on', { skip: !POSIX && 'POSIX only' }, async () => {
  const d = dir();
  const fifos = Array.from({ length: 6 }, (_, i) => path.join(d, `f${i}.jsonl`));
  for (const f of fifos) execFileSync('mkfifo', [f]);
  const sock = path.join(d, 's.jsonl');
  const server = net.createServer().listen(sock);
  await new Promise((r) => server.once('listening', r));
  const device = path.join(d, 'zero.jsonl');
  symlinkSync('/dev/zero', device);
  try {
    // More FIFOs than libuv has threads: a blocking open of each would never return.
    const started = Date.now();
    const all = await Promise.all([...fifos, device].map((f) => openRegular(f)));
    assert.ok(Date.now() - started < 2000, 'no open waited for a writer');
    for (const r of all) assert.ok(isUnread(r) && r.why === 'skipped', JSON.stringify(r));
    assert.match((all[0] as { problem: string }).problem, /^skipped .*f0\.jsonl: a FIFO, not a regular file$/);
    assert.match((all[6] as { problem: string }).problem, /zero\.jsonl: a device/);
    for (const f of [...fifos, device]) {
      const r = openRegularSync(f);
      assert.ok(isUnread(r) && r.why === 'skipped');
    }
    // A socket cannot be opened at all: a failure with its code, not a hang.
    const s = openRegularSync(sock);
    assert.ok(isUnread(s) && s.why !== 'gone' && s.problem?.includes(sock), JSON.stringify(s));
  } finally {
    server.close();
  }
});

test('a regular file opens with its identity and size; a link loop and a path through a file are failures with their code', () => {
  const d = dir();
  const f = path.join(d, 'a.jsonl');
  writeFileSync(f, '{"a":1}\n');
  const ok = openRegularSync(f);
  assert.ok(!isUnread(ok));
  assert.equal(ok.size, 8);
  assert.match(ok.id, /^\d+:\d+$/);
  closeSync(ok.fd);
  symlinkSync('b.jsonl', path.join(d, 'a2.jsonl'));
  symlinkSync('a2.jsonl', path.join(d, 'b.jsonl'));
  const loop = openRegularSync(path.join(d, 'a2.jsonl'));
  assert.deepEqual(isUnread(loop) && [loop.why, loop.problem], ['failed', `cannot read ${path.join(d, 'a2.jsonl')}: ELOOP`]);
  const through = openRegularSync(path.join(f, 'x.jsonl'));
  assert.ok(isUnread(through) && through.why === 'failed' && through.problem.endsWith('ENOTDIR'));
  const gone = openRegularSync(path.join(d, 'none.jsonl'));
  assert.deepEqual(gone, { why: 'gone', problem: null });
});

test('out of file descriptors means "retry", never "gone"', () => {
  for (const code of ['EMFILE', 'ENFILE']) {
    const r = classify('/x.jsonl', Object.assign(new Error(code), { code }));
    assert.equal(r.why, 'retry');
    assert.equal(r.problem, `cannot open /x.jsonl: ${code}; retrying`);
  }
  assert.equal(classify('/x.jsonl', Object.assign(new Error(), { code: 'EACCES' })).why, 'failed');
});
