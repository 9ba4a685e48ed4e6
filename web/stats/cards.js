// The summary cards: what each says, decided in one place so they cannot contradict each other.
// Range cards count what the filter selects; live cards ("now") are the gauges' figures and say
// where each comes from, so a 5-hour figure from the statusline never sits beside a seven-day
// card asking for the statusline to be wired.
import { pct, tokens, usd } from './format.js';

/** [{ label, value, hint }] from /api/summary's totals, /api/now and /api/projection. */
export function summaryCards(t, now, projection) {
  return [
    { label: 'tokens', value: tokens(t.tokens), hint: `${t.responses.toLocaleString('en-US')} responses in range` },
    // Nothing in range costs nothing: "unknown" is for responses without a price.
    { label: 'cost', value: t.responses ? usd(t.cost) : usd(0), hint: t.unpriced_responses ? `${t.unpriced_responses} responses unpriced` : 'in range, at list prices' },
    { label: 'cache saved', value: usd(t.saved), hint: 'in range, against no cache' },
    { label: 'sessions', value: t.sessions.toLocaleString('en-US'), hint: 'in range' },
    { label: 'projected 30 days', value: usd(projection.projected_30d_usd), hint: `${usd(projection.burn_usd_per_day)}/day over the last 7 days` },
    fiveHour(now),
    sevenDays(now),
  ];
}

function fiveHour(now) {
  if (!now.available) return { label: '5-hour window', value: '–', hint: 'the daemon is not running' };
  const hint =
    now.window_5h_source === 'statusline' ? "now · Claude Code's own figure"
    : now.window_5h_ceiling && now.window_5h_tokens != null ? `now · estimated: ${tokens(now.window_5h_tokens)} of ${tokens(now.window_5h_ceiling)} tokens`
    : now.window_5h_ceiling ? `now · estimated against ${tokens(now.window_5h_ceiling)} tokens`
    : 'now · estimated from the transcripts';
  return { label: '5-hour window', value: pct(now.window_5h_pct), hint };
}

function sevenDays(now) {
  if (!now.available) return { label: 'seven days', value: '–', hint: 'the daemon is not running' };
  if (now.seven_day_pct != null) return { label: 'seven days', value: pct(now.seven_day_pct), hint: "now · Claude Code's own figure" };
  // The statusline is wired (the 5-hour figure came through it) but carried no seven-day window.
  if (now.window_5h_source === 'statusline') return { label: 'seven days', value: '–', hint: 'Claude Code sent no seven-day figure' };
  return { label: 'seven days', value: '–', hint: 'only from the statusline: claude-gauge setup statusline' };
}
