// Where a report's answer comes from: the daemon's durable history when it has read every
// transcript to its end (a report in milliseconds), else the transcripts themselves. Shared by
// `daily`, `weekly`, `monthly`, `session` and `blocks`, whose `--from` flag says auto, or insists.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/index.js';
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
    const [{ openHistory }, { historyComplete }] = await Promise.all([import('../store/db.js'), import('../store/current.js')]);
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
