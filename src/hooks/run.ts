// Runs inside Claude Code on every hook event: must return at once and never fail, so it
// loads no CLI framework, waits on no network and needs no daemon. It appends one line to
// the hooks file in the state folder; the daemon follows that file.
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { MAX_STRING } from '../core/validate.js';
import { hooksFile, isHookEvent, MAX_BYTES, RECORD_VERSION, type HookRecord } from '../sources/hooks/record.js';
import { stateDir } from '../util/paths.js';
import { exit, readStdin } from '../util/stdin.js';

/** Claude Code closes stdin at once; this only guards against a caller that never does. */
const STDIN_WAIT_MS = 1000;

/** bin's fast path: the hook, then the end of the process (see exit()). */
export async function main(eventArg?: string): Promise<void> {
  await runHook(eventArg);
  exit(0);
}

/** Reads the hook's JSON on stdin and records it. Prints nothing (UserPromptSubmit's stdout would reach Claude). */
export async function runHook(eventArg?: string): Promise<void> {
  try {
    const input = parse(await readStdin(STDIN_WAIT_MS));
    const event = input?.hook_event_name ?? eventArg;
    const session = input?.session_id;
    if (!isHookEvent(event) || typeof session !== 'string' || session === '' || session.length > MAX_STRING) return;
    const record: HookRecord = { v: RECORD_VERSION, event, session, at: Date.now() };
    append(stateDir(), JSON.stringify(record) + '\n');
  } catch {
    // Never disturb Claude Code: a hook that fails only loses one record.
  }
}

function append(dir: string, line: string): void {
  const file = hooksFile(dir);
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    if (statSync(file).size > MAX_BYTES) renameSync(file, `${file}.1`);
  } catch {
    // Not there yet, or another hook rotated it first.
  }
  // One short line through O_APPEND: concurrent hooks of several sessions do not interleave.
  appendFileSync(file, line, { mode: 0o600 });
}

function parse(raw: string): { hook_event_name?: unknown; session_id?: unknown } | null {
  try {
    const v = JSON.parse(raw);
    return v && typeof v === 'object' ? v : null;
  } catch {
    return null;
  }
}

