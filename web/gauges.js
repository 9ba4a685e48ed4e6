// What each gauge and lamp shows: scales, zones, readouts, and the words for tooltips and
// screen readers. Skins draw from these specs; they hold no knowledge of the payload.
import { fmtClock, fmtInt, fmtPct, fmtRatio, fmtTime, fmtTokens, fmtUntil, fmtUsd } from './format.js';

const DEFAULT_REDLINE = 1_000_000;
/** The tach's full scale sits 25 % above the redline (the daemon's gauges.tach uses the same). */
const TACH_OVER = 1.25;
/** THINKING/OUTPUT colour zones, as a share of output tokens. */
const TEMP_COOL = 0.2;
const TEMP_HOT = 0.7;

/** From this many finished blocks on, the auto ceiling is their P90 (src/engine/ceiling.ts P90_MIN_BLOCKS). */
const P90_MIN_BLOCKS = 5;

const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const redlineOf = (p) => (p && p.tach_redline > 0 ? p.tach_redline : DEFAULT_REDLINE);

/** Evenly spaced ticks: `majors` labelled intervals, each split into `minors` parts. */
function evenTicks(majors, minors, label) {
  const major = [];
  const minor = [];
  for (let i = 0; i <= majors * minors; i++) {
    const f = i / (majors * minors);
    if (i % minors === 0) major.push({ f, label: label(i / minors) });
    else minor.push({ f, half: minors % 2 === 0 && i % minors === minors / 2 });
  }
  return { major, minor };
}

const pctTicks = () => evenTicks(5, 4, (i) => String(i * 20));

export const GAUGES = [
  {
    id: 'fuel',
    title: '5H PLAN',
    unit: '% USED',
    scaleKey: () => 'pct',
    ticks: pctTicks,
    // WARN lights above 80 %: the top of the dial carries the burgundy line.
    zones: () => [{ from: 0.8, to: 1, kind: 'red' }],
    value: (p) => p.window_5h_pct,
    readout: (p) => fmtPct(p.window_5h_pct),
    aria: (p) => `${fmtPct(p.window_5h_pct)} of the 5-hour plan window used (${p.window_5h_source === 'statusline' ? "Claude Code's figure" : 'local estimate'})`,
    odometer: {
      id: 'range',
      // A car's range readout: when the tank runs dry at the current burn, or that it lasts.
      show(p) {
        if (p?.window_5h_runs_out) {
          const at = p.window_5h_empty_at ? fmtClock(p.window_5h_empty_at) : null;
          return { text: at ? `EMPTY ${at}` : 'RUNS OUT', alarm: true, say: `range: empty${at ? ` at ${at}` : ''}, before the reset` };
        }
        if (p?.window_5h_resets_at) return { text: 'LASTS TO RESET', say: 'range: lasts to the reset' };
        return { text: '—', dim: true, say: 'range: no active window' };
      },
    },
    describe(p) {
      const lines = ['How much of the 5-hour plan window is used.'];
      if (!p) return lines;
      if (p.window_5h_source === 'statusline') {
        lines.push(`Source: Claude Code's official figure, handed over by the statusline (rate_limits).`);
        if (p.window_5h_resets_at) lines.push(`Resets at ${fmtTime(p.window_5h_resets_at)} (${fmtUntil(p.window_5h_resets_at)}).`);
        lines.push(`Local estimate for comparison: ${fmtPct(p.window_5h_estimate_pct)}.`);
      } else {
        const ceiling = `ceiling ${fmtInt(p.window_5h_ceiling)} tokens (${ceilingWords(p.window_5h_ceiling_source, p.window_5h_ceiling_blocks)})`;
        if (p.window_5h_block_start) {
          lines.push(`Source: local estimate, ${fmtInt(p.window_5h_tokens)} tokens in the active 5-hour block ÷ ${ceiling}.`);
          lines.push(`Block started ${fmtTime(p.window_5h_block_start)}, ends ${fmtTime(p.window_5h_resets_at)} (${fmtUntil(p.window_5h_resets_at)}).`);
        } else {
          lines.push(`Source: local estimate, tokens in the active 5-hour block ÷ ${ceiling}.`);
          lines.push('No active block: nothing in the last 5 hours.');
        }
        lines.push("For Claude Code's own figure, wire the statusline: npx claude-gauge setup statusline");
      }
      for (const line of [rangeLine(p), costLine(p), sevenDayLine(p)]) if (line) lines.push(line);
      lines.push('WARN lights above 80 %, and flashes while the window runs out before its reset.');
      return lines;
    },
  },
  {
    id: 'tach',
    title: 'TOKENS/MIN',
    unit: 'LAST 60 s',
    scaleKey: (p) => String(redlineOf(p)),
    ticks: (p) => {
      const full = redlineOf(p) * TACH_OVER;
      return evenTicks(5, 4, (i) => fmtTokens((full * i) / 5));
    },
    // The redline zone runs from the redline (0.8 of the sweep) to full scale.
    zones: () => [{ from: 1 / TACH_OVER, to: 1, kind: 'red' }],
    value: (p) => p.rate_1m,
    readout: (p) => fmtTokens(p.rate_1m),
    aria: (p) => `${fmtInt(p.rate_1m)} tokens per minute, redline ${fmtTokens(redlineOf(p))}`,
    describe(p) {
      const lines = ['Tokens per minute over the last 60 s: input + output + cache creation + cache read.'];
      if (!p) return lines;
      lines.push(`Now ${fmtInt(p.rate_1m)} tokens/min.`);
      lines.push(`Redline ${fmtTokens(redlineOf(p))}/min: HOT lights above it. Full scale ${fmtTokens(redlineOf(p) * TACH_OVER)}/min.`);
      lines.push(`Last 5 minutes: ${fmtInt(p.tokens_5m)} tokens.`);
      const burn = num(p.burn_rate_tpm);
      const usd = num(p.cost_burn_usd_per_h);
      if (burn !== null) {
        lines.push(
          `Burn: ${fmtInt(burn)} tokens/min over the last 15 minutes (a lone burst minute counted no higher than the next busiest), the rate 5H PLAN's range projects with${usd !== null ? `; ${fmtUsd(usd)}/h at list prices` : ''}.`,
        );
      }
      return lines;
    },
  },
  {
    id: 'temp',
    title: 'THINKING',
    unit: '/ OUTPUT',
    scaleKey: () => 'ratio',
    ticks: () => evenTicks(5, 4, (i) => (i === 0 ? '0' : i === 5 ? '1' : `.${i * 2}`)),
    ends: ['C', 'H'],
    zones: () => [
      { from: 0, to: TEMP_COOL, kind: 'cool' },
      { from: TEMP_HOT, to: 1, kind: 'hot' },
    ],
    value: (p) => p.thinking_ratio,
    readout: (p) => fmtRatio(p.thinking_ratio),
    aria: (p) => `thinking to output ratio ${fmtRatio(p.thinking_ratio)} (${p.thinking_source})`,
    odometer: {
      id: 'context',
      // How full the context of the session active last is; amber when it is close to compaction.
      show(p) {
        const pct = num(p?.context_pct);
        if (pct === null) return { text: 'CTX --', dim: true, say: 'context: not known' };
        const whole = Math.round(pct * 100);
        return { text: `CTX ${whole}%`, alarm: p.context_warn === true, say: `context ${whole}% full${p.context_warn === true ? ', near compaction' : ''}` };
      },
    },
    describe(p) {
      const lines = ['Share of output tokens spent thinking, last 5 minutes.'];
      if (!p) return lines;
      lines.push(`Now ${fmtRatio(p.thinking_ratio)}. ${THINKING_SOURCES[p.thinking_source] ?? ''}`);
      lines.push(`Blue below ${TEMP_COOL.toFixed(2)} (cruising), red above ${TEMP_HOT.toFixed(2)} (grinding).`);
      lines.push(contextLine(p));
      return lines;
    },
  },
  {
    id: 'boost',
    title: 'CACHE HIT',
    unit: '% CACHED',
    scaleKey: () => 'pct',
    ticks: pctTicks,
    zones: () => [],
    value: (p) => p.cache_hit_rate,
    readout: (p) => fmtPct(p.cache_hit_rate),
    aria: (p) => `${fmtPct(p.cache_hit_rate)} of input served from the prompt cache`,
    describe(p) {
      const lines = ['Cache hit = cache read ÷ (input + cache read + cache creation), over the last 5 minutes; 0 with no traffic.'];
      if (!p) return lines;
      lines.push(`Now ${fmtPct(p.cache_hit_rate)} of ${fmtInt(p.tokens_5m)} tokens in the last 5 minutes.`);
      lines.push('WARN lights when it falls below the cache floor (default 50 %) while active.');
      return lines;
    },
  },
];

const THINKING_SOURCES = {
  reported: 'Reported: the API counted thinking_tokens.',
  estimated: 'Estimated: output tokens minus visible characters ÷ 4.38 (Claude Code stores thinking blocks empty).',
  mixed: 'Mixed: some responses reported thinking_tokens, the rest are estimated.',
  none: 'No output in the last 5 minutes.',
};

function ceilingWords(source, blocks) {
  if (source === 'configured') return 'configured';
  if (source === 'auto') {
    const n = num(blocks);
    if (n === null) return 'auto, from your finished blocks';
    if (n >= P90_MIN_BLOCKS) return `auto: P90 of ${fmtInt(n)} finished blocks`;
    return `auto: the largest of ${n} finished block${n === 1 ? '' : 's'}, P90 from ${P90_MIN_BLOCKS} on`;
  }
  return 'default, until a finished block exists';
}

/** The fuel gauge's range: when the window empties at the current burn, or that it lasts to its reset. */
function rangeLine(p) {
  const burn = num(p.burn_rate_tpm);
  const at = burn !== null && burn > 0 ? `at ${fmtTokens(burn)} tok/min ` : '';
  const reset = p.window_5h_resets_at ? fmtClock(p.window_5h_resets_at) : null;
  if (p.window_5h_runs_out && p.window_5h_empty_at) {
    return `Range: ${at}the window empties at ${fmtClock(p.window_5h_empty_at)}${reset ? `, before its reset at ${reset}` : ''}.`;
  }
  if (reset) return `Range: ${at || 'with nothing burning '}it lasts to its reset at ${reset}.`;
  return null;
}

/** Money at list prices; each figure only once its price is known. */
function costLine(p) {
  const parts = [
    num(p.cost_block_usd) !== null && `${fmtUsd(p.cost_block_usd)} this block`,
    num(p.cost_today_usd) !== null && `${fmtUsd(p.cost_today_usd)} today`,
    num(p.cost_burn_usd_per_h) !== null && `${fmtUsd(p.cost_burn_usd_per_h)}/h`,
  ].filter(Boolean);
  return parts.length ? `Cost: ${parts.join(' · ')} at list prices.` : null;
}

/** Seven days: Claude Code's own figure, else the local estimate (~) against a learned weekly ceiling, else the tokens. */
function sevenDayLine(p) {
  const tokens = num(p.seven_day_tokens);
  const counted = tokens !== null ? `${fmtInt(tokens)} tokens counted here` : null;
  if (num(p.seven_day_pct) !== null) {
    const reset = p.seven_day_resets_at ? `, resets ${fmtTime(p.seven_day_resets_at)}` : '';
    return `7-day window: ${fmtPct(p.seven_day_pct)} (Claude Code's figure${reset})${counted ? `; ${counted}` : ''}.`;
  }
  if (num(p.seven_day_estimate_pct) !== null) {
    const ceiling = num(p.seven_day_ceiling) !== null ? ` ÷ a weekly ceiling of ${fmtInt(p.seven_day_ceiling)} learned from Claude Code's figures` : '';
    return `7-day window: ~${fmtPct(p.seven_day_estimate_pct)} (local estimate${counted ? `: ${counted}` : ''}${ceiling}).`;
  }
  return tokens !== null && tokens > 0 ? `7 days: ${counted}.` : null;
}

/** The CTX readout under THINKING, explained. */
function contextLine(p) {
  const pct = num(p.context_pct);
  if (pct === null) return 'CTX: the context of the session active last, once one is known.';
  const of = num(p.context_tokens) !== null && num(p.context_window) !== null ? `: ${fmtInt(p.context_tokens)} of ${fmtInt(p.context_window)} tokens` : '';
  const model = p.context_model ? ` (${p.context_model})` : '';
  const warn = p.context_warn === true ? ' Near compaction: drawn in amber.' : ' Drawn in amber near compaction.';
  return `CTX: the context of the session active last is ${fmtPct(pct)} full${of}${model}.${warn}`;
}

export const LAMPS = [
  {
    id: 'model',
    label: 'MODEL',
    describe(p) {
      const lines = ['Family of the newest response: red opus, amber sonnet, green haiku; dark for other models or none.'];
      if (p?.last_model_id) lines.push(`Now: ${p.last_model_id}.`);
      return lines;
    },
  },
  {
    id: 'hot',
    label: 'HOT',
    describe: (p) => [`Flashes while the tach is above the redline (${fmtTokens(redlineOf(p))} tokens/min).`],
  },
  {
    id: 'warn',
    label: 'WARN',
    describe(p) {
      const lines = ['Steady: 5H PLAN above 80 %, or cache hit below the floor (default 50 %) while active. Flashing: at the current burn the 5-hour window runs out before it resets.'];
      if (p?.window_5h_runs_out) lines.push(`Now: runs out${p.window_5h_empty_at ? ` at ${fmtTime(p.window_5h_empty_at)}` : ''}, before the reset.`);
      if (p?.warn) lines.push(p.window_5h_pct > 0.8 ? `Now: 5-hour window at ${fmtPct(p.window_5h_pct)}.` : `Now: cache hit ${fmtPct(p.cache_hit_rate)}.`);
      return lines;
    },
  },
  {
    id: 'stall',
    label: 'STALL',
    describe(p, s) {
      const lines = ['A turn is in flight and Claude has been silent for the stall time (default 5 min), or the transcripts cannot be read, or this page has had no data from the daemon for 5 s.'];
      if (s?.lost) lines.push('Now: the daemon is unreachable.');
      else if (p?.stall_reason === 'turn-silent') lines.push(`Now: silent since ${fmtTime(p.last_activity_at)} with a turn in flight.`);
      else if (p?.stall_reason === 'source-broken') lines.push(`Now: ${(p.source?.problems ?? []).join('; ') || 'the transcripts cannot be read'}.`);
      return lines;
    },
  },
  {
    id: 'idle',
    label: 'IDLE',
    describe(p) {
      const lines = ['Breathes while the daemon answers, STALL is off and nothing was written in the last minute.'];
      if (p?.last_activity_at) lines.push(`Last activity: ${fmtTime(p.last_activity_at)}.`);
      return lines;
    },
  },
];
