// What each statusline segment shows, and a few formats with their output: for
// `claude-gauge statusline --help` and the README (a test renders every example and compares).
import { SEGMENTS, type SegmentName } from '../config/statusline-format.js';

export const SEGMENT_HELP: Record<SegmentName, string> = {
  model: "the model Claude Code names (Opus 4.6)",
  '5h': "the 5-hour window used: Claude Code's figure and its reset time (5h 37% until 16:20), else the local estimate (5h ~41%)",
  range: 'when the window runs empty at the 15-minute burn (empty 15:05), or that it lasts to the reset (lasts to reset)',
  '7d': "the seven-day window: Claude Code's figure (7d 12%), else the local estimate (7d ~14%), else the tokens counted here (7d 48.2M tok)",
  cost: 'the 5-hour block at list prices and the burn per hour ($4.12 · $9.8/h)',
  context: "how full the context is: this session's, from Claude Code, else the session active last (ctx 62%; ctx 85%! near compaction)",
  tach: 'tokens per minute over the last 60 s (512.0k tok/min)',
  cache: 'input served from the cache over 5 minutes (cache 93%)',
  lamps: 'the lamps that are lit (HOT WARN STALL)',
};

/** Formats and what they print for one moment: Opus, 37 % used until 16:20, burning fast. */
export const FORMAT_EXAMPLES: { format: string; output: string }[] = [
  { format: 'model,5h,7d,tach,cache,lamps', output: 'Opus 4.6 · 5h 37% until 16:20 · 7d 12% · 512.0k tok/min · cache 93%' },
  { format: 'model,5h,range,cost,context', output: 'Opus 4.6 · 5h 37% until 16:20 · empty 15:05 · $4.12 · $9.8/h · ctx 62%' },
  { format: 'context,range,tach', output: 'ctx 62% · empty 15:05 · 512.0k tok/min' },
];

/** The lines under the options of `statusline --help`, each within `width` columns. */
export function statuslineHelp(width = 80): string[] {
  const out = ['Segments (--format, env CLAUDE_GAUGE_STATUSLINE, config key "statusline"):'];
  const col = Math.max(...SEGMENTS.map((s) => s.length)) + 4;
  for (const name of SEGMENTS) {
    const lines = wrap(SEGMENT_HELP[name], width - col);
    out.push(`  ${name.padEnd(col - 2)}${lines[0]}`, ...lines.slice(1).map((l) => ' '.repeat(col) + l));
  }
  out.push('', 'Examples:');
  for (const e of FORMAT_EXAMPLES) out.push(`  --format ${e.format}`, `    ${e.output}`);
  out.push('', 'The first is the default. A segment with nothing to show is left out. An unknown');
  out.push('name keeps the default line, noted at its end, with the problem on stderr; in');
  out.push('the environment or config file it stops other commands (doctor, serve), exit 2.');
  return out;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}
