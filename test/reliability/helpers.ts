// Shared by the reliability tests: a `serve` started through any wrapper command (setpriv to drop
// root), and the history's count of responses: through its HTTP API, in its file, and in a clean
// ingest of the same transcripts (what it must come to).
import { openHistory } from '../../src/store/db.js';
import { ingestPaths } from '../../src/store/ingest.js';
import { getJson, startServe, tempDir, type Served } from '../helpers/cli.js';

export function startServeAs(wrapper: string[], env: NodeJS.ProcessEnv, extraArgs: string[] = []): Promise<Served> {
  return startServe(env, extraArgs, '127.0.0.1', { wrapper, timeoutMs: 30_000 });
}

export async function historySummary(url: string): Promise<{ responses: number; backfilled: boolean; lastError: string | null }> {
  const s = await getJson(`${url}/api/summary`);
  return { responses: s.totals.responses, backfilled: s.ingest?.backfilled === true, lastError: s.ingest?.last_error ?? null };
}

/** Responses in the history file of a state folder, read without disturbing the daemon. */
export function historyRows(state: string): number {
  const h = openHistory(state, { readonly: true });
  try {
    return (h.db.prepare('SELECT count(*) n FROM responses').get() as { n: number }).n;
  } finally {
    h.close();
  }
}

/** Responses a clean ingest of these transcripts gives, in a history of its own. */
export async function cleanIngestRows(files: string[]): Promise<number> {
  const state = await tempDir('clean-ingest');
  const h = openHistory(state);
  try {
    ingestPaths(h.db, files);
  } finally {
    h.close();
  }
  return historyRows(state);
}
