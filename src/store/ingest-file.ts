// Reads what is new in one transcript into the history. A file is known by device:inode and a
// checksum of its head (as tail.ts), so a rename keeps its offset and a replaced file restarts.
// Each chunk's rows and the file's new offset commit in one transaction: a kill at any moment
// leaves the database at a chunk boundary, and the rest is read again on restart.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { fileId } from '../sources/transcripts/discover.js';
import { textLines } from '../sources/transcripts/lines.js';
import { extractLine, folderProjectOf } from './extract.js';
import type { Writer } from './writer.js';

const HEAD_BYTES = 256;
const CHUNK = 1024 * 1024;
const NL = 0x0a;

export interface FileResult {
  lines: number;
  skipped: number;
  restarted: boolean;
  bytes: number;
}

interface FileRow {
  id: string;
  path: string;
  offset: number;
  head: string | null;
  head_len: number;
}

export function ingestFile(w: Writer, file: string, o: { afterChunk?: () => void } = {}): FileResult {
  const res: FileResult = { lines: 0, skipped: 0, restarted: false, bytes: 0 };
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return res; // gone: what was read stays in the history
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    const size = Number(st.size);
    const id = fileId(st);
    const row = w.db.prepare('SELECT * FROM files WHERE id = ?').get(id) as FileRow | undefined;
    let offset = row?.offset ?? 0;
    if (row && (size < row.offset || (row.head_len > 0 && headOf(fd, row.head_len) !== row.head))) {
      offset = 0; // truncated or a different file under a reused inode: rows are idempotent, read it all again
      res.restarted = true;
    }
    const headLen = Math.min(size, HEAD_BYTES);
    const head = headLen > 0 ? headOf(fd, headLen) : null;
    const project = folderProjectOf(file);
    const save = w.db.prepare('INSERT INTO files (id, path, offset, head, head_len, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET path = excluded.path, offset = excluded.offset, head = excluded.head, head_len = excluded.head_len, updated_at = excluded.updated_at');
    const forget = w.db.prepare('DELETE FROM files WHERE path = ? AND id <> ?');
    const commit = w.db.transaction((lines: string[], to: number) => {
      for (const line of lines) {
        const facts = extractLine(line, project);
        if (facts) w.apply(facts);
        else res.skipped++;
      }
      save.run(id, file, to, head, headLen, Date.now());
    });
    if (!row || res.restarted) w.db.transaction(() => forget.run(file, id))();
    let buf = Buffer.allocUnsafe(CHUNK);
    let held = 0;
    let pos = offset;
    while (pos < size) {
      if (buf.length - held < CHUNK / 2) buf = Buffer.concat([buf.subarray(0, held), Buffer.allocUnsafe(buf.length)]); // a very long line
      const n = readSync(fd, buf, held, Math.min(buf.length - held, size - pos), pos);
      if (n === 0) break;
      pos += n;
      const end = held + n;
      const lastNl = buf.lastIndexOf(NL, end - 1);
      if (lastNl < 0) {
        held = end;
        continue;
      }
      const lines = textLines(buf, lastNl); // a line that is not UTF-8 is dropped (lines.ts)
      offset += lastNl + 1;
      commit(lines, offset);
      res.lines += lines.length;
      buf.copy(buf, 0, lastNl + 1, end);
      held = end - lastNl - 1;
      o.afterChunk?.();
    }
    // An unterminated last line is left for when its newline arrives (it may be half written).
    if (!row && offset === 0) w.db.transaction(() => save.run(id, file, 0, head, headLen, Date.now()))();
    res.bytes = offset;
    return res;
  } finally {
    closeSync(fd);
  }
}

function headOf(fd: number, len: number): string {
  const b = Buffer.alloc(len);
  readSync(fd, b, 0, len, 0);
  return createHash('sha1').update(b).digest('hex');
}
