// The hook command and the daemon meet in an append-only file in the state folder, as the
// statusline does with its handoff file: no port, no daemon needed for the hook to succeed.
// One short JSON line per hook call; the file is rotated once it passes a size cap.
import path from 'node:path';
import type { TurnEvent } from '../../core/events.js';
import { MAX_STRING, validTime } from '../../core/validate.js';

export const RECORD_VERSION = 1;
/** Past this size the hook renames the file to `hooks.jsonl.1` (one generation kept). */
export const MAX_BYTES = 1024 * 1024;

/** The Claude Code hook events claude-gauge listens to, and what each says about the turn. */
export const HOOK_EVENTS = ['UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'SubagentStop', 'Notification', 'Stop', 'SessionEnd'] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

export interface HookRecord {
  v: number;
  event: HookEvent;
  session: string;
  /** Epoch ms when the hook ran. */
  at: number;
}

export function hooksFile(stateDir: string): string {
  return path.join(stateDir, 'hooks.jsonl');
}

export function isHookEvent(v: unknown): v is HookEvent {
  return typeof v === 'string' && (HOOK_EVENTS as readonly string[]).includes(v);
}

/**
 * What a hook event means for the turn. `awaiting`: Claude owes a reply right now (silence
 * here is a stall). `open`: a turn is in progress (not idle); undefined leaves it as it was.
 * A running tool (PreToolUse) or a question to the user (Notification) is not Claude's silence.
 */
const MEANING: Record<HookEvent, { awaiting: boolean; open?: boolean }> = {
  UserPromptSubmit: { awaiting: true, open: true },
  PreToolUse: { awaiting: false, open: true },
  PostToolUse: { awaiting: true, open: true },
  SubagentStop: { awaiting: true, open: true },
  Notification: { awaiting: false },
  Stop: { awaiting: false, open: false },
  SessionEnd: { awaiting: false, open: false },
};

export function turnEvent(r: HookRecord): TurnEvent {
  const m = MEANING[r.event];
  return { kind: 'turn', at: r.at, session: r.session, awaiting: m.awaiting, exact: true, ...(m.open === undefined ? {} : { open: m.open }) };
}

/** One line of the file, checked; null for anything else (a torn or foreign line is skipped). */
export function parseRecord(line: string): HookRecord | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object') return null;
  const r = v as Record<string, unknown>;
  if (r.v !== RECORD_VERSION || !isHookEvent(r.event) || typeof r.session !== 'string' || r.session === '' || r.session.length > MAX_STRING) return null;
  if (!validTime(r.at)) return null;
  return { v: RECORD_VERSION, event: r.event, session: r.session, at: r.at };
}
