// Is Claude working, stalled, or idle? Inferred from the newest transcript record of sessions
// without hooks (a prompt or tool result awaits a reply), exact for sessions whose hooks report.
import type { TurnEvent } from '../core/events.js';
import { HookTurns } from './turns.js';

const MINUTE = 60_000;

export interface TurnSettings {
  stallMinutes: number;
  abandonMinutes: number;
  idleSeconds?: number;
}

export interface TurnFigures {
  inFlight: boolean;
  turnStalled: boolean;
  activeNow: boolean;
  fromHooks: boolean;
}

export class TurnState {
  /** Newest record of a session without hooks, and whether it waits on Claude (the inferred turn state). */
  private lastRecordAt: number | null = null;
  private awaiting = false;
  private lastRecordSession: string | null = null;
  /** Sessions whose turn state Claude Code's hooks report exactly. */
  private hookTurns = new HookTurns();
  /** Newest transcript record of any session (last_activity_at). */
  lastActivityAt: number | null = null;

  constructor(private readonly settings: TurnSettings) {}

  noteRecord(at: number, awaiting: boolean, session: string): void {
    if (this.lastActivityAt === null || at > this.lastActivityAt) this.lastActivityAt = at;
    if (this.hookTurns.has(session)) return this.hookTurns.noteActivity(session, at);
    if (this.lastRecordAt === null || at >= this.lastRecordAt) {
      this.lastRecordAt = at;
      this.awaiting = awaiting;
      this.lastRecordSession = session;
    }
  }

  /** A hook's report: from now on this session's turn state comes from its hooks alone. */
  applyExact(e: TurnEvent): void {
    // What the transcripts inferred for this session (a prompt awaiting Claude) is superseded.
    if (!this.hookTurns.has(e.session) && this.lastRecordSession === e.session) this.awaiting = false;
    this.hookTurns.apply(e);
  }

  trim(now: number): void {
    this.hookTurns.trim(now, this.settings.abandonMinutes * MINUTE);
  }

  figures(now: number): TurnFigures {
    const s = this.settings;
    const silentMs = this.lastRecordAt === null ? Infinity : now - this.lastRecordAt;
    const inferredInFlight = this.awaiting && silentMs < s.abandonMinutes * MINUTE;
    // Sessions with hooks: exact turn start and end; a running tool or a question to the user is no stall.
    const exact = this.hookTurns.state(now, s.stallMinutes * MINUTE, s.abandonMinutes * MINUTE);
    return {
      inFlight: inferredInFlight || exact.inFlight,
      turnStalled: (inferredInFlight && silentMs >= s.stallMinutes * MINUTE) || exact.stalled,
      activeNow: silentMs < (s.idleSeconds ?? 60) * 1000 || exact.open,
      fromHooks: exact.recent,
    };
  }
}
