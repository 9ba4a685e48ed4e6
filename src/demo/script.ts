// The demo's script: named acts on a fixed clock, each showing one thing on the cluster. The
// whole cycle repeats; `demo --help` and the README describe it from this table, so they cannot
// disagree with what plays.
import { TACH_FULL_SCALE_OVER_REDLINE } from '../engine/scale.js';

export type ModelName = 'opus' | 'sonnet' | 'haiku';

export interface Act {
  name: string;
  /** Length on the script's clock. */
  seconds: number;
  /** What to watch on the cluster, for --help. */
  shows: string;
  /**
   * work: turns of one model, the tach held under `tach` (a fraction of full scale);
   * cold: a long session resumed after its prompt cache expired: one response writes the whole
   *   context to the cache again (boost falls, WARN), then the user reads;
   * redline: a burst (subagents fanned out) into the red, beyond full scale only in its last
   *   `overSeconds`;
   * hang: a prompt Claude does not answer for a while (STALL), then answered;
   * quiet: nothing written (IDLE).
   */
  kind: 'work' | 'cold' | 'redline' | 'hang' | 'quiet';
  model?: ModelName;
  /** The most the tach may show during the act, as a fraction of its full scale. */
  tach?: number;
  /** How much faster than generated the conversation plays (default 2). */
  speed?: number;
  /** redline only: seconds at the act's end in which the tach may go beyond full scale. */
  overSeconds?: number;
}

/**
 * Settings `demo` starts its daemon with (never `serve`'s defaults), so every lamp is reachable
 * within the first two minutes: a short stall time and quiet spell, a cache floor that one
 * expired cache crosses, a plan small enough that the fuel gauge visibly rises.
 */
export const DEMO_SETTINGS = {
  /** Tokens per minute at the redline; the dial's full scale is 25 % above it. */
  redline: 400_000,
  /** Tokens in the 5-hour plan: the fuel gauge passes 80 % (WARN for good) about half an hour in. */
  ceiling: 10_000_000,
  /** 12 s: a turn silent this long lights STALL. */
  stallMinutes: 0.2,
  /** 20 s without a record lights IDLE (a minute in normal use). */
  idleSeconds: 20,
  /** WARN when the 5-minute cache hit rate falls below this. */
  cacheFloor: 0.85,
} as const;

export const TACH_FULL_SCALE = DEMO_SETTINGS.redline * TACH_FULL_SCALE_OVER_REDLINE;

export const SCRIPT: readonly Act[] = [
  { name: 'opus at work', seconds: 30, kind: 'work', model: 'opus', tach: 0.72, shows: 'MODEL red; the tach climbs into its upper half, thinking heats TEMP, fuel rises' },
  { name: 'redline', seconds: 25, kind: 'redline', model: 'opus', tach: 0.96, speed: 4, overSeconds: 4, shows: 'subagents fan out: the tach into the red zone, HOT; the only act that may peg it past full scale, for a few seconds at most' },
  { name: 'coffee break', seconds: 28, kind: 'quiet', shows: 'nothing written: the tach falls back; IDLE after a 20-second silence' },
  { name: 'the API stalls', seconds: 22, kind: 'hang', model: 'sonnet', shows: 'a prompt left unanswered: STALL after 12 seconds, then the answer (MODEL amber)' },
  { name: 'old session resumed', seconds: 14, kind: 'cold', model: 'haiku', tach: 0.78, shows: 'MODEL green; its cache expired, so the whole context is written again: BOOST falls, WARN' },
  { name: 'sonnet at work', seconds: 50, kind: 'work', model: 'sonnet', tach: 0.72, shows: 'MODEL amber; the tach back in its upper half, BOOST recovers, WARN goes out' },
  { name: 'opus again', seconds: 55, kind: 'work', model: 'opus', tach: 0.72, shows: 'MODEL red; a steady session' },
  { name: 'haiku sweeps up', seconds: 46, kind: 'work', model: 'haiku', tach: 0.6, shows: 'MODEL green; small quick turns' },
];

/** Seconds from the cycle's start at which each act begins, and the cycle's length. */
export function timeline(script: readonly Act[] = SCRIPT): { starts: number[]; cycleSeconds: number } {
  const starts: number[] = [];
  let t = 0;
  for (const a of script) {
    starts.push(t);
    t += a.seconds;
  }
  return { starts, cycleSeconds: t };
}

/** m:ss */
export function clockText(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** The cycle as `demo --help` prints it: one act a row, start time and what it shows, wrapped to `width`. */
export function cycleHelp(script: readonly Act[] = SCRIPT, width = 80): string[] {
  const { starts, cycleSeconds } = timeline(script);
  const out = wrapWords(`The script: a ${clockText(cycleSeconds)} cycle, then round again; every lamp lights within its first two minutes.`, width);
  const nameCol = Math.max(...script.map((a) => a.name.length)) + 2;
  const indent = 2 + 5 + 1 + nameCol;
  script.forEach((a, i) => {
    const head = `  ${clockText(starts[i]).padStart(5)} ${a.name.padEnd(nameCol)}`;
    const lines = wrapWords(a.shows, width - indent);
    out.push(head + lines[0], ...lines.slice(1).map((l) => ' '.repeat(indent) + l));
  });
  return out;
}

function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}
