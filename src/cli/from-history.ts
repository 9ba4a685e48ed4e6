// Where a report's answer comes from: the daemon's durable history when it has read every
// transcript to its end (a report in milliseconds), else the transcripts themselves. Shared by
// `daily`, `weekly`, `monthly`, `session` and `blocks`, whose `--from` flag says auto, or insists.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/index.js';
import type { FoundFile } from '../sources/transcripts/discover.js';
import type { History } from '../store/db.js';
import { HISTORY_FILE } from '../store/history-file.js';
import { fail } from './fail.js';

export type RowSource = 'history' | 'transcripts';
export type Want = 'auto' | RowSource;

export const FROM_HELP = 'auto (default): the history when it has read every transcript, else the transcripts; history or transcripts to insist';

/** The `--from` flag's value, or a clear exit. */
export function wantFrom(command: string, value: string | undefined): Want {
  const want = value ?? 'auto';
  if (want !== 'auto' && want !== 'history' && want !== 'transcripts') fail(`${command}: --from is auto, history or transcripts`, 2);
  return want;
}

/**
 * The durable history, read-only, when it should answer: always for `history` (an exit when there
 * is none), for `auto` only when it is current; null when the transcripts must answer.
 */
export async function currentHistory(config: Config, want: Want): Promise<History | null> {
  const file = path.join(config.stateDir, HISTORY_FILE);
  if (want !== 'transcripts' && existsSync(file)) {
    const [{ openHistory }, { filesBehind }] = await Promise.all([import('../store/db.js'), import('../store/current.js')]);
    let history: History | null = null;
    try {
      history = openHistory(file, { readonly: true });
      if (want === 'history') return history;
      const behind = filesBehind(history.db, config.configDirs);
      if (behind && (behind.length === 0 || (await caughtUp(history, config, behind)))) return history;
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

/** How long `auto` waits for a live daemon to take what was written since it last read. */
const CATCH_UP_MS = 1500;
const CATCH_UP_STEP_MS = 50;
/** More files behind than this: a first build or a long stop, not a session being written. */
const CATCH_UP_FILES = 20;
/** A daemon busy with a burst of writes answers in milliseconds; one that cannot, within this, is not waited for. */
const ASK_MS = 1000;

/**
 * A daemon that keeps the history takes a transcript's new lines about 0.2 s after they are
 * written (its watcher's debounce). While Claude Code writes a session, a report would often find
 * the history a line behind and read every transcript instead. When a live daemon says it reads
 * into this history (its /api/ingest, over loopback) and it is behind on a few files only, this
 * waits up to CATCH_UP_MS for it, rechecking those files (`behind`, of the listing just made),
 * and then every file once more.
 */
async function caughtUp(history: History, config: Config, behind: FoundFile[]): Promise<boolean> {
  if (behind.length > CATCH_UP_FILES || !(await daemonKeepsHistory(config.stateDir))) return false;
  const [{ staleFiles, historyComplete }, { fileId }] = await Promise.all([import('../store/current.js'), import('../sources/transcripts/discover.js')]);
  const deadline = Date.now() + CATCH_UP_MS;
  let left = behind;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, CATCH_UP_STEP_MS));
    const now = left.flatMap((f) => {
      try {
        const st = statSync(f.path, { throwIfNoEntry: false });
        return st ? [{ path: f.path, size: st.size, mtimeMs: st.mtimeMs, id: fileId(st) }] : [];
      } catch {
        return [f]; // not readable now: still behind, and the whole check below says so too
      }
    });
    left = staleFiles(history.db, now);
    if (left.length === 0) return historyComplete(history.db, config.configDirs);
  }
  return false;
}

/** Whether a live daemon of this state folder reads into its history (it answers /api/ingest). */
async function daemonKeepsHistory(stateDir: string): Promise<boolean> {
  const { findDaemon, localUrl } = await import('../daemon/discovery.js');
  const info = await findDaemon(stateDir);
  if (!info) return false;
  try {
    const res = await fetch(`${localUrl(info)}/api/ingest`, { signal: AbortSignal.timeout(ASK_MS) });
    const body = res.ok ? ((await res.json()) as { ingest?: unknown }) : null;
    return typeof body?.ingest === 'object' && body.ingest !== null;
  } catch {
    return false; // not answering: the transcripts answer
  }
}
