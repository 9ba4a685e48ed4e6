// The history's reading of one transcript, through the shared file-reading layer: over-long lines,
// a line growing unterminated, FIFOs, and a restart in the middle of all of it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { assistant } from '../../test/helpers/lines.js';
import { MAX_LINE_BYTES } from '../sources/files/lines.js';
import { openHistory } from './db.js';
import { ingestPaths } from './ingest.js';

let n = 0;
const record = () => {
  n++;
  return assistant({ id: `msg_i${n}`, req: `req_i${n}`, at: '2026-02-01T10:00:00.000Z', input: n, output: 1 }) + '\n';
};

function setup() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cg-ingest-file-'));
  const file = path.join(dir, 'projects', '-p', 's.jsonl');
  mkdirSync(path.dirname(file), { recursive: true });
  const state = path.join(dir, 'state');
  const rows = (h: ReturnType<typeof openHistory>) => (h.db.prepare('SELECT count(*) n FROM responses').get() as { n: number }).n;
  return { file, state, rows };
}

test('a line over the cap, growing unterminated across many ingests, is searched once, skipped and counted once; the records around it are stored', () => {
  const { file, state, rows } = setup();
  writeFileSync(file, record() + '{"type":"user","message":{"content":"');
  const h = openHistory(state);
  let skipped = 0;
  const piece = Buffer.alloc(4 * 1024 * 1024, 'x');
  const cpu = process.cpuUsage();
  for (let i = 0; i < 12; i++) {
    appendFileSync(file, piece); // 48 MB in all, over the cap
    skipped += ingestPaths(h.db, [file]).skipped;
  }
  appendFileSync(file, '"}}\n' + record());
  const last = ingestPaths(h.db, [file]);
  const used = process.cpuUsage(cpu);
  skipped += last.skipped;
  assert.equal(skipped, 1, 'the over-long line counted once');
  assert.equal(rows(h), 2);
  const seconds = (used.user + used.system) / 1e6;
  assert.ok(seconds < 1.5, `${seconds.toFixed(2)} s of CPU for 13 ingests of a growing 48 MB line (writes included)`);
  // Stands after the last line: nothing read again.
  assert.equal(ingestPaths(h.db, [file]).lines, 0);
  h.close();
});

test('a restart in the middle of an unterminated line reads it from its start once, and the rest as usual', () => {
  const { file, state, rows } = setup();
  writeFileSync(file, record() + '{"type":"user","message":{"content":"');
  appendFileSync(file, Buffer.alloc(MAX_LINE_BYTES + 1024, 'y'));
  let h = openHistory(state);
  ingestPaths(h.db, [file]);
  h.close();
  // Another process: what it knew of the unfinished line is gone, the stored offset is not.
  const code = `import(${JSON.stringify(new URL('./db.js', import.meta.url).href)}).then(async (db) => {
    const { ingestPaths } = await import(${JSON.stringify(new URL('./ingest.js', import.meta.url).href)});
    const fs = await import('node:fs');
    fs.appendFileSync(${JSON.stringify(file)}, '"}}\\n' + ${JSON.stringify(record())});
    const h = db.openHistory(${JSON.stringify(state)});
    const r = ingestPaths(h.db, [${JSON.stringify(file)}]);
    h.close();
    process.stdout.write(JSON.stringify(r));
  })`;
  const r = JSON.parse(execFileSync(process.execPath, ['-e', code]).toString());
  assert.equal(r.skipped, 1);
  assert.equal(r.lines, 1, 'the record after the over-long line, once');
  h = openHistory(state);
  assert.equal(rows(h), 2);
  h.close();
});

test('a FIFO under a transcript name is never opened for reading: a problem, not a wait', { skip: process.platform === 'win32' && 'POSIX only' }, () => {
  const { file, state, rows } = setup();
  const fifo = path.join(path.dirname(file), 'pipe.jsonl');
  execFileSync('mkfifo', [fifo]);
  writeFileSync(file, record());
  const h = openHistory(state);
  const r = ingestPaths(h.db, [fifo, file]);
  assert.deepEqual(r.problems, [`skipped ${fifo}: a FIFO, not a regular file`]);
  assert.deepEqual(r.retry, []);
  assert.equal(rows(h), 1);
  h.close();
});
