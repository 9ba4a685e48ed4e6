// The lines `watch` prints under each snapshot line: range, cost, seven days and context. Only
// figures the snapshot holds are shown, and every line fits an 80-column terminal.
import type { Snapshot } from '../../core/snapshot.js';
import { compact, finite as num, hhmm as clock, instant as time } from './line.js';

export const WIDTH = 80;
/** Under the gauges of the line above, past its time of day. */
const INDENT = ' '.repeat(10);
const GAP = '   ';

export const DETAILS_LEGEND =
  'range: when 5h runs empty at the 15-min burn  cost: USD at list prices (block, today, per hour)  ' +
  '7d: tokens over seven days (~ estimate of the weekly limit)  ctx: context of the session active last (! near compaction)';

interface Part {
  text: string;
  /** Drawn in the lamps' amber: something to act on. */
  alarm?: boolean;
}

/** The detail lines of one snapshot, [] when it holds none of these figures; colour only on a terminal. */
export function detailLines(s: Snapshot, o: { color?: boolean } = {}): string[] {
  const room = WIDTH - INDENT.length;
  const parts = [range(s), sevenDays(s), cost(s), context(s)]
    .filter((p): p is Part => p !== null)
    .map((p) => (p.text.length > room ? { ...p, text: `${p.text.slice(0, room - 1)}…` } : p));
  const lines: Part[][] = [];
  for (const p of parts) {
    const line = lines.at(-1);
    if (line && width(line) + GAP.length + p.text.length <= WIDTH) line.push(p);
    else lines.push([p]);
  }
  const paint = (p: Part) => (o.color && p.alarm ? `\x1b[33m${p.text}\x1b[0m` : p.text);
  return lines.map((line) => INDENT + line.map(paint).join(GAP));
}

function width(line: Part[]): number {
  return INDENT.length + line.reduce((n, p, i) => n + (i ? GAP.length : 0) + p.text.length, 0);
}

function range(s: Snapshot): Part | null {
  const at = time(s.window_5h_empty_at);
  if (at === null) return null;
  return s.window_5h_runs_out === true ? { text: `range empty at ${clock(at)} · runs out before reset`, alarm: true } : { text: 'range lasts to reset' };
}

function cost(s: Snapshot): Part | null {
  const [block, today, burn] = [num(s.cost_block_usd), num(s.cost_today_usd), num(s.cost_burn_usd_per_h)];
  if (!block && !today) return null; // no price known, or nothing spent: nothing to read
  const out = [block !== null && `${usd(block)} block`, today !== null && `${usd(today)} today`, burn !== null && burn > 0 && `${usd(burn, 1)}/h`];
  return { text: `cost ${out.filter(Boolean).join(' · ')}` };
}

function sevenDays(s: Snapshot): Part | null {
  const official = num(s.seven_day_pct);
  const estimate = num(s.seven_day_estimate_pct);
  const tokens = num(s.seven_day_tokens) ?? 0;
  const pct = official !== null ? `${Math.round(official * 100)}%` : estimate !== null ? `~${Math.round(estimate * 100)}%` : null;
  if (pct === null && tokens <= 0) return null;
  return { text: `7d ${[pct, `${compact(tokens)} tok`].filter(Boolean).join(' · ')}` };
}

function context(s: Snapshot): Part | null {
  const pct = num(s.context_pct);
  if (pct === null) return null;
  const head = `ctx ${Math.round(pct * 100)}%${s.context_warn === true ? ' !' : ''}`;
  // A model id is the one part of unbounded length: cut to what the line has room for.
  const model = typeof s.context_model === 'string' ? s.context_model.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').replace(/^claude-/, '') : '';
  const room = WIDTH - INDENT.length - head.length - 1;
  const name = model.length > room ? `${model.slice(0, room - 1)}…` : model;
  return { text: name ? `${head} ${name}` : head, alarm: s.context_warn === true };
}

function usd(n: number, digits = 2): string {
  return `$${n >= 1000 ? n.toFixed(0) : n.toFixed(digits)}`;
}
