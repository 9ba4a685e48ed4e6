// GET /metrics: the snapshot and the daemon's own health in Prometheus text format 0.0.4.
// Pure: the caller passes the snapshot, extra sources and process figures.
import type { Snapshot, SourceHealth } from '../core/snapshot.js';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface ProcessStats {
  cpuSecondsTotal: number;
  residentBytes: number;
  heapUsedBytes: number;
  startTimeSeconds: number;
}

export interface MetricsInput {
  snapshot: Snapshot;
  /** Sources beside snapshot.source (an OTLP receiver, say); same kind twice: the first wins. */
  sources?: SourceHealth[];
  process?: ProcessStats;
  version?: string;
}

type Labels = Record<string, string>;
interface Family {
  name: string;
  type: 'gauge' | 'counter';
  help: string;
  samples: { labels?: Labels; value: number }[];
}

/** Cheap figures from the running process (the only impure part, kept apart). */
export function processStats(): ProcessStats {
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  return {
    cpuSecondsTotal: (cpu.user + cpu.system) / 1e6,
    residentBytes: mem.rss,
    heapUsedBytes: mem.heapUsed,
    startTimeSeconds: Math.round((Date.now() - process.uptime() * 1000) / 1000),
  };
}

export function renderMetrics(input: MetricsInput): string {
  const s = input.snapshot;
  const g = (name: string, help: string, samples: Family['samples']): Family => ({ name: `claude_gauge_${name}`, type: 'gauge', help, samples });
  const c = (name: string, help: string, samples: Family['samples']): Family => ({ name: `claude_gauge_${name}`, type: 'counter', help, samples });
  const one = (value: number) => [{ value }];
  const ratio = [{ labels: { source: 'estimate' }, value: s.window_5h_estimate_pct }];
  if (s.window_5h_source === 'statusline') ratio.push({ labels: { source: 'statusline' }, value: s.window_5h_pct });
  const sources = dedupSources([s.source, ...(input.sources ?? [])]);
  const bySource = (f: (h: SourceHealth) => number) => sources.map((h) => ({ labels: { source: h.kind }, value: f(h) }));

  const fams: Family[] = [
    g('rate_tokens_per_minute', 'Tokens (all four kinds) in the last 60 s.', one(s.rate_1m)),
    g('tach_redline_tokens_per_minute', 'Tokens per minute at the tach redline.', one(s.tach_redline)),
    g('window_5h_tokens', 'Tokens in the active 5-hour block; 0 when none is active.', one(s.window_5h_tokens)),
    g('window_5h_ceiling_tokens', 'Tokens that count as a full 5-hour tank.', one(s.window_5h_ceiling)),
    g('window_5h_ratio', 'Share of the 5-hour window used, 0-1: the local estimate, and Claude Code\'s own figure while fresh.', ratio),
    g('window_5h_pct', 'The 5H PLAN gauge, 0-1, whatever its source.', one(s.window_5h_pct)),
    g('thinking_ratio', 'Thinking tokens / output tokens over the last 5 min.', one(s.thinking_ratio)),
    g('cache_hit_ratio', 'Cache read / all input over the last 5 min.', one(s.cache_hit_rate)),
    g('tokens_5m', 'Tokens in the last 5 min.', one(s.tokens_5m)),
    g('lamp', 'Annunciator lamps: 1 lit, 0 dark.', (['hot', 'warn', 'stall', 'idle'] as const).map((l) => ({ labels: { lamp: l }, value: s[l] ? 1 : 0 }))),
    g('window_5h_runs_out', '1 while the 5-hour window is projected to reach 100 % at the current burn before it resets (WARN flashes).', one(s.window_5h_runs_out ? 1 : 0)),
    g('turn_in_flight', '1 while Claude owes a reply.', one(s.turn_in_flight ? 1 : 0)),
    g('needle_position', 'Needle positions, 0-1000.', (['fuel', 'tach', 'temp', 'boost'] as const).map((k) => ({ labels: { gauge: k }, value: s.gauges[k] }))),
    g('snapshot_seq', 'Sequence number of the published snapshot.', one(s.seq)),
    g('source_up', '1 when the source is healthy.', bySource((h) => (h.ok ? 1 : 0))),
    g('source_files', 'Files the source follows.', bySource((h) => h.files)),
    c('source_records_total', 'Records read by the source.', bySource((h) => h.records)),
    c('source_skipped_lines_total', 'Lines or records the source could not use.', bySource((h) => h.skipped_lines)),
    g('source_backfill_done', '1 once older history is read.', bySource((h) => (h.backfill.done ? 1 : 0))),
  ];
  if (s.last_model_id !== null) fams.push(g('last_model_info', 'The newest response\'s model.', [{ labels: { family: s.last_model, model: s.last_model_id }, value: 1 }]));
  if (s.seven_day_pct !== null) fams.push(g('seven_day_ratio', 'Claude Code\'s own 7-day figure, 0-1, while fresh.', one(s.seven_day_pct)));
  fams.push(
    g('burn_tokens_per_minute', 'Tokens per minute over the last 15 min, one burst minute counted no higher than the next: the pace the range projects with.', one(s.burn_rate_tpm)),
    g('seven_day_tokens', 'Tokens counted here in the seven-day window.', one(s.seven_day_tokens)),
  );
  if (s.window_5h_empty_at !== null) fams.push(g('window_5h_empty_timestamp_seconds', 'When the 5-hour window reaches 100 % at the current burn.', one(Date.parse(s.window_5h_empty_at) / 1000)));
  const costs = ([['block', s.cost_block_usd], ['today', s.cost_today_usd]] as const).filter(([, v]) => v !== null).map(([period, v]) => ({ labels: { period }, value: v as number }));
  if (costs.length) fams.push(g('cost_usd', 'USD at list prices: the active 5-hour block and today.', costs));
  if (s.cost_burn_usd_per_h !== null) fams.push(g('cost_burn_usd_per_hour', 'USD per hour at the current burn.', one(s.cost_burn_usd_per_h)));
  if (s.seven_day_estimate_pct !== null) fams.push(g('seven_day_estimate_ratio', 'Local seven-day tokens over the weekly ceiling learned from the statusline, 0-1.', one(s.seven_day_estimate_pct)));
  if (s.context_pct !== null) fams.push(g('context_ratio', 'How full the context window of the session active last is, 0-1.', one(s.context_pct)));
  if (s.last_activity_at) fams.push(g('last_activity_timestamp_seconds', 'When the newest record was written.', one(Date.parse(s.last_activity_at) / 1000)));
  if (s.fuel_source) {
    const f = s.fuel_source;
    fams.push(g('fuel_source_up', '1 when the separate 5-hour window source (ccusage, Prometheus) is healthy.', [{ labels: { source: f.kind }, value: f.ok ? 1 : 0 }]));
    if (f.age_s !== null) fams.push(g('fuel_source_age_seconds', 'Age of the separate window source\'s last good figure.', [{ labels: { source: f.kind }, value: f.age_s }]));
    fams.push(g('window_5h_tokens_external', '1 while window_5h_tokens comes from the separate window source, 0 while counted locally.', [{ labels: { source: f.kind }, value: s.window_5h_tokens_from === 'local' ? 0 : 1 }]));
  }
  if (input.version) fams.push(g('build_info', 'The running version.', [{ labels: { version: input.version }, value: 1 }]));
  const p = input.process;
  if (p) {
    fams.push(
      { name: 'process_cpu_seconds_total', type: 'counter', help: 'User and system CPU time spent in seconds.', samples: one(p.cpuSecondsTotal) },
      { name: 'process_resident_memory_bytes', type: 'gauge', help: 'Resident memory size in bytes.', samples: one(p.residentBytes) },
      { name: 'process_start_time_seconds', type: 'gauge', help: 'Start time of the process since unix epoch in seconds.', samples: one(p.startTimeSeconds) },
      { name: 'nodejs_heap_used_bytes', type: 'gauge', help: 'V8 heap in use, bytes.', samples: one(p.heapUsedBytes) },
    );
  }
  return fams.map(renderFamily).join('');
}

function dedupSources(list: SourceHealth[]): SourceHealth[] {
  const seen = new Set<string>();
  return list.filter((h) => !seen.has(h.kind) && seen.add(h.kind));
}

function renderFamily(f: Family): string {
  let out = `# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${f.name} ${f.type}\n`;
  for (const smp of f.samples) out += `${f.name}${renderLabels(smp.labels)} ${renderValue(smp.value)}\n`;
  return out;
}

function renderLabels(l?: Labels): string {
  if (!l) return '';
  const parts = Object.entries(l).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function renderValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
