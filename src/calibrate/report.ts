// The calibration as text a person reads, and the lines to paste.
import type { Calibration } from './index.js';

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const pct = (x: number) => `${x.toFixed(1)} %`;

/** Local wall-clock time, minutes precision: when the user was working. */
export function when(ms: number): string {
  const d = new Date(ms);
  const p = (v: number) => String(v).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function pasteLines(c: Calibration): { env: string[]; config: Record<string, number> } {
  const env: string[] = [];
  const config: Record<string, number> = {};
  if (c.ceiling) {
    env.push(`CLAUDE_GAUGE_5H_CEILING=${c.ceiling.value}`);
    config.ceiling5h = c.ceiling.value;
  }
  if (c.redline) {
    env.push(`CLAUDE_GAUGE_TACH_REDLINE=${c.redline.value}`);
    config.tachRedline = c.redline.value;
  }
  return { env, config };
}

export function renderReport(c: Calibration, configFile: string): string {
  const out: string[] = [];
  out.push(`History: ${n(c.responses)} responses. Now in use: ceiling ${n(c.current.ceiling)} (${c.current.ceilingSource}), redline ${n(c.current.redline)} tokens/min.`);
  out.push('', 'Largest finished 5-hour blocks:');
  if (c.topBlocks.length === 0) out.push('  none yet');
  for (const b of c.topBlocks) out.push(`  ${when(b.start)}  ${n(b.totalTokens).padStart(14)} tokens  ${n(b.entries).padStart(6)} responses`);
  if (c.auto) {
    const a = c.auto;
    out.push('', a.method === 'p90'
      ? `The auto ceiling: ${n(a.tokens)} tokens, the P90 of ${a.blocks} finished blocks (those of the last ${a.days} days, at least the ${a.minBlocks} newest);`
      : `The auto ceiling: ${n(a.tokens)} tokens, the largest of ${a.blocks} finished block${a.blocks === 1 ? '' : 's'} (from 5 on it is their P90);`);
    if (a.method === 'p90') out.push(`  the largest is ${n(a.largest)}: as the ceiling, it would make a typical heavy block read ${Math.round((100 * a.tokens) / a.largest)} % instead of 100 %.`);
  }
  out.push('', 'Tokens per minute over active minutes (minutes with at least one response):');
  if (c.rates) out.push(`  ${n(c.rates.activeMinutes)} minutes: p50 ${n(c.rates.p50)}  p90 ${n(c.rates.p90)}  p99 ${n(c.rates.p99)}  max ${n(c.rates.max)}`);
  else out.push('  no activity yet');

  out.push('');
  if (c.observations.length === 0) {
    out.push("Claude Code's own 5-hour percent: never seen (wire the statusline: claude-gauge setup statusline).");
  } else {
    out.push(`Claude Code's own 5-hour percent, ${c.observations.length} sighting${c.observations.length === 1 ? '' : 's'} (from the statusline):`);
    out.push(`  ${'seen'.padEnd(16)}  ${'official'.padStart(8)}  ${'window tokens'.padStart(14)}  ${'implied ceiling'.padStart(15)}  ${'our estimate'.padStart(12)}`);
    for (const o of c.observations) {
      out.push(`  ${when(o.at)}  ${pct(o.usedPercentage).padStart(8)}  ${n(o.windowTokens).padStart(14)}  ${(o.impliedCeiling === null ? '-' : n(o.impliedCeiling)).padStart(15)}  ${pct(o.estimatePct).padStart(12)}`);
    }
    if (c.implied) {
      const spread = c.implied.median > 0 ? ((c.implied.p90 - c.implied.p10) / 2 / c.implied.median) * 100 : 0;
      out.push(`  implied ceiling: median ${n(c.implied.median)}, p10-p90 ${n(c.implied.p10)}-${n(c.implied.p90)} (±${spread.toFixed(0)} %), min ${n(c.implied.min)}, max ${n(c.implied.max)}`);
    } else out.push(`  no sighting at 10 % or more yet: too coarse to imply a ceiling`);
    if (c.tracking) {
      out.push(`  our estimate vs the official percent: mean absolute error ${c.tracking.current.toFixed(1)} points with the ceiling in use${c.tracking.proposed === null ? '' : `, ${c.tracking.proposed.toFixed(1)} with the proposed one`}`);
    }
  }

  out.push('', 'Proposal:');
  out.push(c.ceiling ? `  5-hour ceiling ${n(c.ceiling.value)} tokens: ${c.ceiling.rule}` : '  5-hour ceiling: no finished block yet; keep auto');
  out.push(c.redline ? `  tach redline ${n(c.redline.value)} tokens/min: ${c.redline.rule}` : '  tach redline: too few active minutes yet; keep the current one');
  const paste = pasteLines(c);
  if (paste.env.length) {
    out.push('', 'Paste into your environment (shell profile or service):');
    for (const l of paste.env) out.push(`  ${l}`);
    out.push(`or into ${configFile} (a JSON object; keep your other keys):`);
    out.push(`  ${JSON.stringify(paste.config).replace(/,/g, ', ').replace(/:/g, ': ')}`);
    out.push('or let calibrate write them there: claude-gauge calibrate --write');
  }
  return out.join('\n') + '\n';
}
