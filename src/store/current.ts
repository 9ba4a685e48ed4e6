// Where a report's answer comes from: the daemon's durable history when it has read every
// transcript to its end (a report in milliseconds), else the transcripts themselves. Shared by
// `daily`, `weekly`, `monthly`, `session` and `blocks`, whose `--from` flag says auto, or insists.
import { closeSync, existsSync, readSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/index.js';
import { fail } from '../cli/fail.js';
import { isUnread, openRegularSync } from '../sources/files/open.js';
import { discover } from '../sources/transcripts/discover.js';
import { HISTORY_FILE, openHistory, type Db, type History } from './db.js';
import { MIGRATIONS } from './migrations.js';

export type RowSource = 'history' | 'transcripts';
export type Want = 'auto' | RowSource;

export const FROM_HELP = 'auto (default): the history when it has read every transcript, else the transcripts; history or transcripts to insist';

/** The `--from` flag's value, or a clear exit. */
export function wantFrom(command: string, value: string | undefined): Want {
  const want = value ?? 'auto';
  if (want !== 'auto' && want !== 'history' && want !== 'transcripts') fail(`${command}: --from is auto, history or transcripts`, 2);
  return want;
}

/** A tail this large after a file's stored offset is not a half-written line: the history is behind. */
const TAIL_LIMIT = 1 << 20;

/** True when the history has taken every complete line of every transcript there is now. */
export function historyComplete(db: Db, configDirs: string[]): boolean {
  if ((db.pragma('user_version', { simple: true }) as number) !== MIGRATIONS.length) return false;
  const offsetOf = db.prepare('SELECT offset FROM files WHERE id = ? AND path = ?');
  for (const f of discover(configDirs).files) {
    const row = offsetOf.get(f.id, f.path) as { offset: number } | undefined;
    if (!row) return false;
    if (row.offset >= f.size) continue;
    if (f.size - row.offset > TAIL_LIMIT || tailHasNewline(f.path, row.offset, f.size)) return false;
  }
  return true;
}

function tailHasNewline(file: string, from: number, to: number): boolean {
  const buf = Buffer.alloc(to - from);
  // The file layer's open: non-blocking, regular files only (a FIFO put in its place never hangs us).
  const opened = openRegularSync(file);
  if (isUnread(opened)) return true; // cannot tell: not complete
  const { fd } = opened;
  try {
    const n = readSync(fd, buf, 0, buf.length, from);
    return buf.subarray(0, n).includes(10);
  } finally {
    closeSync(fd);
  }
}

/**
 * The durable history, read-only, when it should answer: always for `history` (an exit when there
 * is none), for `auto` only when it is current; null when the transcripts must answer.
 */
export function currentHistory(config: Config, want: Want): History | null {
  const file = path.join(config.stateDir, HISTORY_FILE);
  if (want !== 'transcripts' && existsSync(file)) {
    let history: History | null = null;
    try {
      history = openHistory(file, { readonly: true });
      if (want === 'history' || historyComplete(history.db, config.configDirs)) return history;
    } catch (err) {
      // A damaged or foreign file never stops a report: the transcripts are the truth.
      if (want === 'history') fail(`the history at ${file} does not read (${(err as Error).message}): use --from transcripts`, 2);
      process.stderr.write(`history at ${file} does not read (${(err as Error).message}); reading the transcripts\n`);
    }
    history?.close();
  }
  if (want === 'history') fail(`no history at ${file}: run claude-gauge serve (history on) first, or use --from transcripts`, 2);
  return null;
}
