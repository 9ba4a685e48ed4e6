// One human line per snapshot: the seed's phase A, values ticking in a terminal.
import type { Snapshot } from '../../core/snapshot.js';

export function compact(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

/** Hours and minutes in the local time zone. */
export function hhmm(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

// A snapshot may come from a file an older daemon wrote, without the newer fields: read them warily.
export function finite(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function instant(v: unknown): number | null {
  const ms = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(ms) ? ms : null;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function lamps(s: Snapshot): string {
  const on = [s.hot && 'HOT', s.warn && 'WARN', s.stall && 'STALL', s.idle && 'IDLE'].filter(Boolean);
  return on.length ? on.join(' ') : '-';
}

/** What each part of the line means, printed once above the lines on a terminal. */
export const LEGEND =
  '5h: plan window used (official: Claude Code\'s figure, est: local estimate, tokens)  tach: tokens/min over 60 s  ' +
  'think: thinking share of output (~ estimated)  cache: input served from cache  model  [lamps]';

// ANSI colours as the cluster's lamps have them: red, amber, green; dim for the quiet ones.
const PAINT = { red: '31', amber: '33', green: '32', blue: '34', dim: '2', bold: '1' } as const;
type Paint = keyof typeof PAINT;
const MODEL_PAINT: Record<string, Paint> = { opus: 'red', sonnet: 'amber', haiku: 'green' };
const LAMP_PAINT: Record<string, Paint> = { HOT: 'red', WARN: 'amber', STALL: 'red', IDLE: 'blue' };

export function snapshotLine(s: Snapshot, o: { color?: boolean } = {}): string {
  const paint = (text: string, p: Paint | undefined) => (o.color && p ? `\x1b[${PAINT[p]}m${text}\x1b[0m` : text);
  // Local time, as the detail lines below it and the statusline show theirs.
  const at = new Date(s.updated_at);
  const time = Number.isFinite(at.getTime()) ? `${hhmm(at.getTime())}:${String(at.getSeconds()).padStart(2, '0')}` : s.updated_at.slice(11, 19);
  const fuelSrc = s.window_5h_source === 'statusline' ? 'official' : 'est';
  const fuelPaint: Paint = s.window_5h_pct > 0.8 ? 'red' : s.window_5h_pct > 0.5 ? 'amber' : 'green';
  const on = lamps(s);
  return [
    paint(time, 'dim'),
    `5h ${paint(pct(s.window_5h_pct), fuelPaint)} (${fuelSrc}, ${compact(s.window_5h_tokens)})`,
    `tach ${paint(`${compact(s.rate_1m)}/min`, s.hot ? 'red' : undefined)}`,
    `think ${pct(s.thinking_ratio)}${s.thinking_source === 'estimated' ? '~' : ''}`,
    `cache ${paint(pct(s.cache_hit_rate), s.warn && s.cache_hit_rate < 0.5 && s.tokens_5m > 0 ? 'amber' : undefined)}`,
    paint(s.last_model, MODEL_PAINT[s.last_model]),
    `[${on === '-' ? on : on.split(' ').map((l) => paint(l, LAMP_PAINT[l])).join(' ')}]`,
  ].join('  ');
}
