// The one normalized event type every source produces and the engine consumes.
// Sources know file formats; the engine knows only these shapes.

/** Token counts of one API response, as reported (never estimated). */
export interface Tokens {
  input: number;
  output: number;
  cacheCreation: number;
  cacheRead: number;
}

/**
 * One observation of an API response. Claude Code writes a response as several lines
 * (one per content block) that share `key`; usage on the last line is the largest.
 * The engine keeps the largest observation per key and counts growth as a delta.
 */
export interface ResponseEvent {
  kind: 'response';
  /** message.id + ':' + requestId: stable across lines, files and resumed sessions. */
  key: string;
  /** Epoch ms of the record. */
  at: number;
  model: string;
  tokens: Tokens;
  /** The part of tokens.cacheCreation written for 1 hour (priced higher than 5-minute writes); 0 or absent: none or unknown. */
  cacheCreation1h?: number;
  /** Thinking tokens when the API reported them (output_tokens_details), else null. */
  thinkingReported: number | null;
  /** The source cannot know thinking at all (telemetry): counts as no thinking and no estimate (thinking_source none). */
  noThinking?: boolean;
  /** Characters of visible output (text, tool input) carried by this line, for the thinking estimate. */
  visibleChars: number;
  session: string;
  /** The subagent whose line it is (agentId; '' for the session's own), read from transcripts: `session` then ends in `/` and it. */
  agent?: string;
  /** The project folder (under projects/) of the file it was read from: set by a scan for the session report, which groups by it. */
  project?: string;
  /** Claude Code's local placeholder (`<synthetic>` model): counts in blocks as ccusage does, never as a model. */
  synthetic: boolean;
  /** A subagent's line (isSidechain): the main session's copy of a response wins over it. */
  sidechain: boolean;
  /** usage.speed was set (fast mode): breaks ties between equal copies, as ccusage does. */
  speed: boolean;
}

/** A user prompt or tool result: Claude now owes a reply (a turn is in flight). */
export interface TurnEvent {
  kind: 'turn';
  at: number;
  session: string;
  /** true: the record waits for Claude (prompt, tool result); false: the turn ended (interrupt). */
  awaiting: boolean;
  /** Reported by a Claude Code hook: for this session it overrides what transcripts suggest. */
  exact?: boolean;
  /** Hooks only: a turn is in progress (UserPromptSubmit until Stop); absent leaves it as it was. */
  open?: boolean;
}

/** Claude Code's own rate-limit figures, handed over by the statusline command. */
export interface LimitsEvent {
  kind: 'limits';
  /** When the statusline saw them (epoch ms). */
  at: number;
  fiveHour: LimitWindow | null;
  sevenDay: LimitWindow | null;
}

export interface LimitWindow {
  /** 0-100 as Claude Code reports it. */
  usedPercentage: number;
  /** Epoch ms when the window resets. */
  resetsAt: number;
}

/**
 * The active 5-hour block as another tool computed it (ccusage, Prometheus): the fuel gauge reads
 * it instead of the local block while it is fresh, and falls back to the local block after.
 */
export interface WindowEvent {
  kind: 'window';
  /** When the figure was obtained (epoch ms). */
  at: number;
  origin: 'ccusage' | 'prometheus';
  /** Tokens (all four kinds) in the active block; 0 when none is active. */
  tokens: number;
  /** The active block's start and end (epoch ms), or null when none is active. */
  blockStart: number | null;
  blockEnd: number | null;
  /** How long the figure stands without a newer one (ms). */
  freshMs: number;
}

export type GaugeEvent = ResponseEvent | TurnEvent | LimitsEvent | WindowEvent;

export function totalTokens(t: Tokens): number {
  return t.input + t.output + t.cacheCreation + t.cacheRead;
}

/**
 * What a later copy of a response adds over the largest counts seen so far (`peak`), kind by kind:
 * the live windows count each kind of token once, at the line that added it.
 */
export function tokenGrowth(now: Tokens, peak: Tokens): Tokens {
  return {
    input: Math.max(0, now.input - peak.input),
    output: Math.max(0, now.output - peak.output),
    cacheCreation: Math.max(0, now.cacheCreation - peak.cacheCreation),
    cacheRead: Math.max(0, now.cacheRead - peak.cacheRead),
  };
}

export function addTokens(a: Tokens, b: Tokens): Tokens {
  return { input: a.input + b.input, output: a.output + b.output, cacheCreation: a.cacheCreation + b.cacheCreation, cacheRead: a.cacheRead + b.cacheRead };
}
