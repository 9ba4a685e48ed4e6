// Copies of one response: Claude Code writes a response's usage on several lines (streamed
// chunks, a subagent's mirror, a resumed session's replay) and every reader must keep the same
// one, as ccusage does. The rule and the fold that applies it live here, once: the live engine,
// the bulk scan (folding in worker threads as it reads, which is why this is in core, not in
// the engine that sources may not import), the history summary and calibrate all use them.
import { totalTokens, type ResponseEvent, type Tokens } from './events.js';

/** What decides between two copies. */
export interface Copy {
  tokens: Tokens;
  sidechain?: boolean;
  speed?: boolean;
}

/** ccusage 20's rule for two copies of one response: main session over subagent, then the larger total, then fast mode on a tie. */
export function beats(e: Copy, cur: Copy): boolean {
  if (!!e.sidechain !== !!cur.sidechain) return !e.sidechain;
  const a = totalTokens(e.tokens);
  const b = totalTokens(cur.tokens);
  if (a !== b) return a > b;
  return !!e.speed && !cur.speed;
}

/** What the history's order reads of a copy besides `Copy`. */
export interface WholeCopy extends Copy {
  at: number;
  /** Its session, its subagent's too (`<sessionId>/<agentId>`, transcripts/parse.ts). */
  session: string;
  agent?: string;
  project?: string;
}

/** The line's own sessionId: `session` without its subagent. */
export function sessionIdOf(c: WholeCopy): string {
  return c.agent ? c.session.slice(0, c.session.length - c.agent.length - 1) : c.session;
}

/**
 * beats, made total as the history's writer makes it (store/writer.ts beatsRow): on a tie the
 * earliest line, then the smallest sessionId, then project folder, then subagent. A resumed
 * session replays a response into another session's file; the session report credits the same
 * session whichever file is read first. Equal copies are equal for blocks and days either way.
 */
export function beatsWhole(e: WholeCopy, cur: WholeCopy): boolean {
  if (beats(e, cur)) return true;
  if (beats(cur, e)) return false;
  if (e.at !== cur.at) return e.at < cur.at;
  const [a, b] = [sessionIdOf(e), sessionIdOf(cur)];
  if (a !== b) return a < b;
  if ((e.project ?? '') !== (cur.project ?? '')) return (e.project ?? '') < (cur.project ?? '');
  return (e.agent ?? '') < (cur.agent ?? '');
}

/** Which of two copies of a response wins: ccusage's rule (first read on a tie), or the history's total order. */
export type FoldOrder = 'first' | 'whole';

/** One copy per response (by message and request id, `key`): the winning one, kept in order of first appearance. */
export class ResponseFold {
  /** The winners, in the order their responses first appeared. */
  readonly responses: ResponseEvent[] = [];
  private readonly at = new Map<string, number>();
  private readonly wins: (e: ResponseEvent, cur: ResponseEvent) => boolean;

  constructor(order: FoldOrder = 'first') {
    this.wins = order === 'whole' ? beatsWhole : beats;
  }

  /** Offers a copy: 'first' for a new response, 'won' when it replaced the kept copy, 'lost' when the kept copy stays. */
  add(e: ResponseEvent): 'first' | 'won' | 'lost' {
    const i = this.at.get(e.key);
    if (i === undefined) {
      this.at.set(e.key, this.responses.length);
      this.responses.push(e);
      return 'first';
    }
    if (!this.wins(e, this.responses[i])) return 'lost';
    this.responses[i] = e;
    return 'won';
  }

  /** The winners by time; equal times keep first-appearance order (a stable sort), as everywhere else. */
  byTime(): ResponseEvent[] {
    return [...this.responses].sort((a, b) => a.at - b.at);
  }
}
