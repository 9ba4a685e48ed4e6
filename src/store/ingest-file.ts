// Reads what is new in one transcript into the history, through the shared file-reading layer
// (src/sources/files): a file is known by device:inode and a checksum of its head, so a rename
// keeps its offset and a replaced file restarts; FIFOs and devices are never opened; a line over
// the cap is skipped and counted. Each chunk's rows and the file's new offset commit in one
// transaction: a kill at any moment leaves the database at a chunk boundary, and the rest is read
// again on restart.
import { closeSync } from 'node:fs';
import { newCheckpoint, reconcile } from '../sources/files/checkpoint.js';
import { linesOf, START, type LinePosition } from '../sources/files/lines.js';
import { classify, isUnread, openRegularSync } from '../sources/files/open.js';
import { headSync, readLinesSync } from '../sources/files/read.js';
import { extractLine, folderProjectOf } from './extract.js';
import type { Writer } from './writer.js';

const CHUNK = 1024 * 1024;

export interface FileResult {
  lines: number;
  skipped: number;
  restarted: boolean;
  bytes: number;
  /** Not read for want of file descriptors (or another passing shortage): read it again soon. */
  retry: boolean;
  /** Why it could not be read, when that is worth a line (not for a file gone). */
  problem: string | null;
}

interface FileRow {
  id: string;
  path: string;
  offset: number;
  head: string | null;
  head_len: number;
}

/**
 * How far past its stored offset a file's unfinished last line was already searched (or skipped,
 * over the cap), as long as this process lives: a long line being written is searched once, not
 * on every change. By identity; valid while the stored offset is the one it was found at.
 */
const unfinished = new Map<string, LinePosition>();

export function ingestFile(w: Writer, file: string, o: { afterChunk?: () => void } = {}): FileResult {
  const res: FileResult = { lines: 0, skipped: 0, restarted: false, bytes: 0, retry: false, problem: null };
  const opened = openRegularSync(file);
  if (isUnread(opened)) {
    res.retry = opened.why === 'retry';
    res.problem = opened.problem; // gone: what was read stays in the history
    return res;
  }
  const { fd, id, size } = opened;
  let dbError: unknown = null;
  try {
    const row = w.db.prepare('SELECT * FROM files WHERE id = ?').get(id) as FileRow | undefined;
    const cp = newCheckpoint(id, file, row ? { offset: row.offset, scanned: row.offset, overlong: false } : START);
    if (row) Object.assign(cp, { head: row.head, headLen: row.head_len });
    const known = unfinished.get(id);
    if (row && known?.offset === row.offset) Object.assign(cp, known);
    // Truncated, or a different file under a reused inode: rows are idempotent, read it all again.
    res.restarted = reconcile(cp, id, size, headSync(fd, size));
    const project = folderProjectOf(file);
    const save = w.db.prepare('INSERT INTO files (id, path, offset, head, head_len, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET path = excluded.path, offset = excluded.offset, head = excluded.head, head_len = excluded.head_len, updated_at = excluded.updated_at');
    const forget = w.db.prepare('DELETE FROM files WHERE path = ? AND id <> ?');
    let saved = row?.offset ?? -1;
    const commit = w.db.transaction((lines: string[], to: number) => {
      for (const line of lines) {
        const facts = extractLine(line, project);
        if (facts) w.apply(facts);
        else res.skipped++;
      }
      save.run(id, file, to, cp.head, cp.headLen, Date.now());
      saved = to;
    });
    if (!row || res.restarted) w.db.transaction(() => forget.run(file, id))();
    try {
      const r = readLinesSync(
        fd,
        size,
        cp,
        (c) => {
          const lines = linesOf(c);
          try {
            commit(lines, cp.offset);
          } catch (err) {
            dbError = err;
            throw err;
          }
          res.lines += lines.length;
          o.afterChunk?.();
        },
        { readBytes: CHUNK, minRead: CHUNK },
      );
      res.skipped += r.overlong;
    } catch (err) {
      if (err === dbError) throw err;
      const why = classify(file, err); // a read error (EIO): what was committed stays, the rest is read next time
      res.retry = why.why === 'retry';
      res.problem = why.problem;
    }
    // An unterminated last line is left for when its newline arrives (it may be half written). A
    // new file, a grown head or a skipped over-long line with nothing after it is saved too.
    if (saved !== cp.offset || !row || row.head_len !== cp.headLen) w.db.transaction(() => save.run(id, file, cp.offset, cp.head, cp.headLen, Date.now()))();
    if (cp.scanned > cp.offset || cp.overlong) unfinished.set(id, { offset: cp.offset, scanned: cp.scanned, overlong: cp.overlong });
    else unfinished.delete(id);
    res.bytes = cp.offset;
    return res;
  } finally {
    closeSync(fd);
  }
}
