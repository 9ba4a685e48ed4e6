// Reads what is new in one transcript into the history (read-lines.ts finds where to start and
// the new lines): each chunk's rows and the file's new offset commit in one transaction, so a kill
// at any moment leaves the database at a chunk boundary, and the rest is read again on restart.
import type { Checkpoint } from '../sources/files/checkpoint.js';
import type { LinePosition } from '../sources/files/lines.js';
import { extractLine, folderProjectOf } from './extract.js';
import { readNewLines, type FileSeen, type StoredFile } from './read-lines.js';
import type { Writer } from './writer.js';

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

export const SAVE_FILE =
  'INSERT INTO files (id, path, offset, head, head_len, updated_at, seen_size, seen_mtime_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET path = excluded.path, offset = excluded.offset, head = excluded.head, head_len = excluded.head_len, updated_at = excluded.updated_at, seen_size = excluded.seen_size, seen_mtime_ms = excluded.seen_mtime_ms';
/** Another file once read under this path (replaced): its row goes. */
export const FORGET_FILE = 'DELETE FROM files WHERE path = ? AND id <> ?';

/**
 * How far past its stored offset a file's unfinished last line was already searched (or skipped,
 * over the cap), as long as this process lives: a long line being written is searched once, not
 * on every change. By identity; valid while the stored offset is the one it was found at.
 */
const unfinished = new Map<string, LinePosition>();

export function ingestFile(w: Writer, file: string, o: { afterChunk?: () => void } = {}): FileResult {
  const getRow = w.db.prepare('SELECT * FROM files WHERE id = ?');
  const save = w.db.prepare(SAVE_FILE);
  const forget = w.db.prepare(FORGET_FILE);
  const project = folderProjectOf(file);
  let skipped = 0;
  let saved = -1;
  let seen: FileSeen = { size: -1, mtimeMs: -1 };
  let seenSaved = false;
  const saveRow = (cp: Checkpoint) => save.run(cp.id, file, cp.offset, cp.head, cp.headLen, Date.now(), seen.size, seen.mtimeMs);
  const commit = w.db.transaction((lines: string[], cp: Checkpoint) => {
    for (const line of lines) {
      const facts = extractLine(line, project);
      if (facts) w.apply(facts);
      else skipped++;
    }
    saveRow(cp);
    saved = cp.offset;
    seenSaved = true;
  });
  const r = readNewLines(file, {
    stored: (id) => getRow.get(id) as StoredFile | undefined,
    unfinished: (id, offset) => {
      const known = unfinished.get(id);
      return known?.offset === offset ? known : undefined;
    },
    onStart: (cp, row, restarted, opened) => {
      seen = opened;
      saved = row?.offset ?? -1;
      if (!row || restarted) w.db.transaction(() => forget.run(file, cp.id))();
    },
    onChunk: (lines, cp) => {
      commit(lines, cp);
      o.afterChunk?.();
    },
  });
  const res: FileResult = { lines: r.lines, skipped: skipped + r.overlong, restarted: r.restarted, bytes: 0, retry: r.retry, problem: r.problem };
  const cp = r.cp;
  if (!cp) return res;
  // An unterminated last line is left for when its newline arrives (it may be half written). A
  // new file, a grown head, a skipped over-long line with nothing after it, or a file touched
  // without a new line (its time, for the currency check) is saved too.
  const moved = !seenSaved && (r.row?.seen_size !== seen.size || r.row.seen_mtime_ms !== seen.mtimeMs);
  if (saved !== cp.offset || !r.row || r.row.head_len !== cp.headLen || moved) w.db.transaction(() => saveRow(cp))();
  if (cp.scanned > cp.offset || cp.overlong) unfinished.set(cp.id, { offset: cp.offset, scanned: cp.scanned, overlong: cp.overlong });
  else unfinished.delete(cp.id);
  res.bytes = cp.offset;
  return res;
}
