// Exact turn state per session, from Claude Code's hooks. A session that has sent a hook
// record is judged by its hooks alone; its transcript records still count as activity.
import type { TurnEvent } from '../core/events.js';

interface SessionTurn {
  /** Latest activity of the session: a hook or a transcript record. */
  lastAt: number;
  /** Time of the hook record the state below comes from. */
  hookAt: number;
  /** Claude owes a reply (a prompt or a tool result is waiting on it). */
  awaiting: boolean;
  /** A turn is in progress: UserPromptSubmit seen, Stop not yet. */
  open: boolean;
}

export interface ExactTurnState {
  /** Some session has Claude owing a reply. */
  inFlight: boolean;
  /** ... and it has been silent for the stall time. */
  stalled: boolean;
  /** Some session has a turn in progress (a tool may be running, or the user asked). */
  open: boolean;
  /** Hooks reported a session active within the abandon time. */
  recent: boolean;
}

export class HookTurns {
  private sessions = new Map<string, SessionTurn>();

  has(session: string): boolean {
    return this.sessions.has(session);
  }

  apply(e: TurnEvent): void {
    const s = this.sessions.get(e.session);
    if (!s) {
      this.sessions.set(e.session, { lastAt: e.at, hookAt: e.at, awaiting: e.awaiting, open: e.open ?? e.awaiting });
      return;
    }
    s.lastAt = Math.max(s.lastAt, e.at);
    // Hooks of one session run one after another; the later record holds the state.
    if (e.at < s.hookAt) return;
    s.hookAt = e.at;
    s.awaiting = e.awaiting;
    if (e.open !== undefined) s.open = e.open;
  }

  /** A transcript record of a hooked session: proof of life, not a change of state. */
  noteActivity(session: string, at: number): void {
    const s = this.sessions.get(session);
    if (s && at > s.lastAt) s.lastAt = at;
  }

  state(now: number, stallMs: number, abandonMs: number): ExactTurnState {
    const out: ExactTurnState = { inFlight: false, stalled: false, open: false, recent: false };
    for (const s of this.sessions.values()) {
      const silent = now - s.lastAt;
      if (silent >= abandonMs) continue; // Claude Code was closed mid-turn: not a stall any more
      out.recent = true;
      if (s.open) out.open = true;
      if (s.awaiting) {
        out.inFlight = true;
        if (silent >= stallMs) out.stalled = true;
      }
    }
    return out;
  }

  /** Forget sessions silent past the abandon time, so memory stays flat. */
  trim(now: number, abandonMs: number): void {
    for (const [id, s] of this.sessions) if (now - s.lastAt >= abandonMs) this.sessions.delete(id);
  }
}
