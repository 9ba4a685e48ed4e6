// This session's context window, from what Claude Code pipes to the statusline: its exact figure
// for the session the line belongs to, where the daemon only knows the session active last.
// Stdin is untrusted input: every field is checked, and anything out of range is not shown.
import { tokenCount } from '../core/validate.js';
import { CONTEXT_WARN } from '../engine/context.js';
import type { SessionContext } from '../sinks/statusline.js';

/** No model has a window larger than this (the largest is 1M tokens); a bigger figure is junk. */
const MAX_WINDOW = 100_000_000;

/**
 * `context_window` (`context_window_size`, `current_usage`, newer versions `used_percentage`) and
 * `exceeds_200k_tokens`, checked. Null when neither is usable: the daemon's figure is shown instead.
 */
export function sessionContext(input: unknown): SessionContext | null {
  if (!input || typeof input !== 'object') return null;
  const { context_window: cw, exceeds_200k_tokens: exceeds } = input as Record<string, unknown>;
  const over200k = exceeds === true;
  const pct = contextPct(cw);
  if (pct === undefined) return over200k ? { pct: null, warn: true, over200k } : null;
  return { pct, warn: pct !== null && pct >= CONTEXT_WARN, over200k };
}

/** 0-1; null when the session has made no request yet (nothing to show, and the daemon's figure is another session's); undefined when unusable. */
function contextPct(cw: unknown): number | null | undefined {
  if (!cw || typeof cw !== 'object' || Array.isArray(cw)) return undefined;
  const w = cw as Record<string, unknown>;
  const size = count(w.context_window_size, MAX_WINDOW);
  if (size === null || size === 0) return undefined;
  // Claude Code's own percentage when it sends one, as with rate_limits.
  const used = typeof w.used_percentage === 'number' && Number.isFinite(w.used_percentage) ? w.used_percentage : null;
  if (used !== null && used >= 0 && used <= 100) return used / 100;
  const u = w.current_usage;
  if (u === null || u === undefined) return null;
  if (typeof u !== 'object' || Array.isArray(u)) return undefined;
  const c = u as Record<string, unknown>;
  const parts = [c.input_tokens, c.cache_creation_input_tokens, c.cache_read_input_tokens].map((v) => count(v));
  if (parts.some((p) => p === null)) return undefined;
  const tokens = (parts as number[]).reduce((a, b) => a + b, 0);
  return Math.min(1, tokens / size);
}

/** A whole token count in range (missing: 0), as a number or (as Claude Code sometimes sends figures) a string of digits. */
function count(v: unknown, max?: number): number | null {
  const n = typeof v === 'string' && /^\d{1,12}$/.test(v.trim()) ? Number(v) : v;
  return tokenCount(n, max);
}
