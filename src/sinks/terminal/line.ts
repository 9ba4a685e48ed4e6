// One human line per snapshot: the seed's phase A, values ticking in a terminal.
import type { Snapshot } from '../../core/snapshot.js';

export function compact(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function lamps(s: Snapshot): string {
  const on = [s.hot && 'HOT', s.warn && 'WARN', s.stall && 'STALL', s.idle && 'IDLE'].filter(Boolean);
  return on.length ? on.join(' ') : '-';
}

export function snapshotLine(s: Snapshot): string {
  const time = s.updated_at.slice(11, 19);
  const fuelSrc = s.window_5h_source === 'statusline' ? 'official' : 'est';
  return [
    time,
    `5h ${pct(s.window_5h_pct)} (${fuelSrc}, ${compact(s.window_5h_tokens)})`,
    `tach ${compact(s.rate_1m)}/min`,
    `think ${pct(s.thinking_ratio)}${s.thinking_source === 'estimated' ? '~' : ''}`,
    `cache ${pct(s.cache_hit_rate)}`,
    `${s.last_model}`,
    `[${lamps(s)}]`,
  ].join('  ');
}
