// Character metrics from a piece of text, computed at ingest so the text itself is never stored.
// Everything here stays on this machine.

export interface TextCounters {
  chars: number;
  emDashes: number;
  emoji: number;
  /** User side: the message pushes back ("no", "wrong", "stop", "actually", "nope") early on. */
  correction: boolean;
  /** User side: says thanks. */
  thanks: boolean;
  /** Sentence openers (first three words, lower case), at most MAX_PHRASES. */
  phrases: string[];
}

const EM_DASH = /\u2014/g;
// Pictographs shown as emoji: presentation-default ones, or any pictograph forced by VS16.
const EMOJI = /\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F/gu;
const CORRECTION = new Set(['no', 'nope', 'wrong', 'stop', 'actually']);
const CORRECTION_WINDOW = 12; // words: a reflex shows at the start of a reply, not deep inside
const THANKS = /\b(thanks|thank you|thank u|thx|ty|cheers)\b/i;
const WORD = /[\p{L}][\p{L}'’]*/gu;
const MAX_PHRASES = 6;
const OPENER_WORDS = 3;

export function countText(text: string, side: 'claude' | 'user'): TextCounters {
  const words = (s: string) => s.toLowerCase().match(WORD) ?? [];
  const first = words(text.slice(0, 400)).slice(0, CORRECTION_WINDOW).map((w) => w.replace(/[’']/g, "'"));
  return {
    chars: text.length,
    emDashes: text.match(EM_DASH)?.length ?? 0,
    emoji: text.match(EMOJI)?.length ?? 0,
    correction: side === 'user' && first.some((w) => CORRECTION.has(w)),
    thanks: side === 'user' && THANKS.test(text),
    phrases: openers(text, words),
  };
}

function openers(text: string, words: (s: string) => string[]): string[] {
  const out: string[] = [];
  // Code blocks are not phrases.
  const prose = text.replace(/```[\s\S]*?```/g, ' ').replace(/`[^`]*`/g, ' ');
  for (const sentence of prose.split(/[.!?:;\n]+/)) {
    const s = sentence.replace(/^[\s#>*\-+\d.)]+/, '');
    if (!/^\p{L}/u.test(s)) continue;
    const w = words(s).slice(0, OPENER_WORDS);
    if (w.length < 2) continue;
    out.push(w.join(' '));
    if (out.length >= MAX_PHRASES) break;
  }
  return out;
}
