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

/** One copy per response (by message and request id, `key`): the winning one, kept in order of first appearance. */
export class ResponseFold {
  /** The winners, in the order their responses first appeared. */
  readonly responses: ResponseEvent[] = [];
  private readonly at = new Map<string, number>();

  /** Offers a copy: 'first' for a new response, 'won' when it replaced the kept copy, 'lost' when the kept copy stays. */
  add(e: ResponseEvent): 'first' | 'won' | 'lost' {
    const i = this.at.get(e.key);
    if (i === undefined) {
      this.at.set(e.key, this.responses.length);
      this.responses.push(e);
      return 'first';
    }
    if (!beats(e, this.responses[i])) return 'lost';
    this.responses[i] = e;
    return 'won';
  }

  /** The winners by time; equal times keep first-appearance order (a stable sort), as everywhere else. */
  byTime(): ResponseEvent[] {
    return [...this.responses].sort((a, b) => a.at - b.at);
  }
}
