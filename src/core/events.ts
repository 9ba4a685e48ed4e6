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
  /** Thinking tokens when the API reported them (output_tokens_details), else null. */
  thinkingReported: number | null;
  /** Characters of visible output (text, tool input) carried by this line, for the thinking estimate. */
  visibleChars: number;
  session: string;
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

export type GaugeEvent = ResponseEvent | TurnEvent | LimitsEvent;

export function totalTokens(t: Tokens): number {
  return t.input + t.output + t.cacheCreation + t.cacheRead;
}
