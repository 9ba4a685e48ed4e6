// How full the context window of the session active last is: its latest request sent the whole
// conversation (input + cache read + cache write), so that figure against the model's window
// says how close Claude Code is to compacting it.
import type { ResponseEvent } from '../core/events.js';

export const STANDARD_WINDOW = 200_000;
/** At or above this share of the window the context is flagged (unless configured): Claude Code compacts soon after. */
export const CONTEXT_WARN = 0.8;
export const LONG_WINDOW = 1_000_000;
/** Sessions whose largest request is remembered (for telling a 1M window from a 200k one). */
const REMEMBERED = 64;

export interface ContextFigure {
  tokens: number;
  window: number;
  pct: number;
  warn: boolean;
  model: string;
}

export class ContextTracker {
  private latest: { key: string; at: number; tokens: number; model: string; session: string } | null = null;
  private largest = new Map<string, number>();

  /** @param window A configured window size, else inferred per model and session. */
  constructor(private readonly window: number | undefined, private readonly warnAt: number) {}

  /** The main session's requests only: a subagent's context is its own, and placeholders sent nothing. */
  note(e: ResponseEvent): void {
    if (e.synthetic || e.sidechain) return;
    const tokens = e.tokens.input + e.tokens.cacheRead + e.tokens.cacheCreation;
    const seen = this.largest.get(e.session) ?? 0;
    if (tokens > seen) {
      this.largest.delete(e.session);
      this.largest.set(e.session, tokens);
      if (this.largest.size > REMEMBERED) this.largest.delete(this.largest.keys().next().value!);
    }
    const l = this.latest;
    if (l && l.key === e.key) l.tokens = Math.max(l.tokens, tokens);
    else if (!l || e.at >= l.at) this.latest = { key: e.key, at: e.at, tokens, model: e.model, session: e.session };
  }

  figure(): ContextFigure | null {
    const l = this.latest;
    if (!l) return null;
    const window = this.window ?? windowOf(l.model, this.largest.get(l.session) ?? l.tokens);
    const pct = Math.min(1, l.tokens / window);
    return { tokens: l.tokens, window, pct, warn: pct >= this.warnAt, model: l.model };
  }
}

/**
 * The model's window: 1M when the model id says so (`[1m]`, as Claude Code names it) or when a
 * request of this session already went past 200k (only the long window allows that), else 200k.
 */
export function windowOf(model: string, largestInSession: number): number {
  return /\[1m\]/i.test(model) || largestInSession > STANDARD_WINDOW ? LONG_WINDOW : STANDARD_WINDOW;
}
