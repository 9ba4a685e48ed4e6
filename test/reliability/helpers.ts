// Shared by the reliability tests: a `serve` started through any wrapper command (setpriv to drop
// root), and the history's own count of responses through its HTTP API.
import { getJson, startServe, type Served } from '../helpers/cli.js';

export function startServeAs(wrapper: string[], env: NodeJS.ProcessEnv, extraArgs: string[] = []): Promise<Served> {
  return startServe(env, extraArgs, '127.0.0.1', { wrapper, timeoutMs: 30_000 });
}

export async function historySummary(url: string): Promise<{ responses: number; backfilled: boolean; lastError: string | null }> {
  const s = await getJson(`${url}/api/summary`);
  return { responses: s.totals.responses, backfilled: s.ingest?.backfilled === true, lastError: s.ingest?.last_error ?? null };
}
