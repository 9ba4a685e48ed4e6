// What each panel shows: the /api route it reads and how it draws and tabulates it.
import { chart, custom, empty, panel, table } from './panel.js';
import { num, pct, time, tokens, usd } from './format.js';

const PALETTE = ['#2563eb', '#d97706', '#059669', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#9ca3af'];
export const color = (i) => PALETTE[i % PALETTE.length];
const stackedBar = (labels, datasets, yFmt) => ({
  type: 'bar',
  data: { labels, datasets },
  options: { scales: { x: { stacked: true }, y: { stacked: true, ticks: { callback: yFmt } } }, plugins: { legend: { position: 'bottom' } } },
});
/** Axes of things counted one by one (sessions, calls): whole numbers only. */
export const COUNT_TICKS = { precision: 0 };

// One colour per model everywhere and in every range: the MODEL lamp's hue for each family (opus
// orange, sonnet blue, haiku green), a shade of it by version so two versions differ, and a colour
// picked by the name's hash for anything else. Nothing depends on which models are in range.
const FAMILY = {
  opus: ['#d97706', '#92400e', '#f59e0b', '#b45309'],
  sonnet: ['#2563eb', '#1e40af', '#60a5fa', '#1d4ed8'],
  haiku: ['#059669', '#065f46', '#34d399', '#047857'],
};
const OTHERS = ['#7c3aed', '#0891b2', '#db2777', '#65a30d', '#dc2626', '#9ca3af'];
export function modelColor(model) {
  const family = Object.keys(FAMILY).find((f) => model.includes(f));
  if (family) {
    // claude-sonnet-4-5-20250929 -> 4.5, claude-3-7-sonnet -> 3.7, claude-sonnet-4-20250514 -> 4.0 (the date is no version).
    const [major = 0, minor = 0] = (model.match(/\d+/g) ?? []).filter((n) => n.length < 3).map(Number);
    return FAMILY[family][(10 * major + minor) % 4];
  }
  let h = 0;
  for (const ch of model) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return OTHERS[h % OTHERS.length];
}

/** Every day from the first to the last, days without data included: a date axis without gaps. */
export function days(first, last) {
  const out = [];
  for (let t = Date.parse(`${first}T00:00:00Z`), end = Date.parse(`${last}T00:00:00Z`); t <= end && out.length < 3700; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

function byModel(rows, field) {
  const seen = [...new Set(rows.map((r) => r.date))].sort();
  const dates = seen.length ? days(seen[0], seen[seen.length - 1]) : [];
  const models = [...new Set(rows.map((r) => r.model))].sort();
  const datasets = models.map((m) => ({ label: m, backgroundColor: modelColor(m), data: dates.map((d) => rows.find((r) => r.date === d && r.model === m)?.[field] ?? 0) }));
  return { dates, datasets };
}

/** Minutes as a person says them: 45 min, 3.5 h, 4 d 9 h. */
function duration(min) {
  if (min == null) return '–';
  if (min < 90) return `${Math.round(min)} min`;
  if (min < 48 * 60) return `${(min / 60).toFixed(1)} h`;
  return `${Math.floor(min / 1440)} d ${Math.round((min % 1440) / 60)} h`;
}

export const plural = (n, one, many = `${one}s`) => `${num(n)} ${n === 1 ? one : many}`;

export const PANELS = [
  {
    id: 'tokens-daily', title: 'Tokens per day by model', route: 'daily', wide: true,
    draw(el, d) {
      const { dates, datasets } = byModel(d.rows, 'total');
      chart(el, stackedBar(dates, datasets, tokens));
      table(el, [['day', (r) => r.date], ['model', (r) => r.model], ['input', (r) => num(r.input)], ['output', (r) => num(r.output)], ['cache write', (r) => num(r.cache_create)], ['cache read', (r) => num(r.cache_read)], ['total', (r) => num(r.total)]], d.rows);
    },
  },
  {
    id: 'cost-daily', title: 'Cost per day by model', route: 'daily', note: 'list prices; models without a price count as unknown, not $0',
    draw(el, d) {
      const { dates, datasets } = byModel(d.rows, 'cost');
      chart(el, stackedBar(dates, datasets, (v) => usd(v)));
      table(el, [['day', (r) => r.date], ['model', (r) => r.model], ['cost', (r) => usd(r.cost)], ['unpriced', (r) => num(r.unpriced_responses)]], d.rows);
    },
  },
  {
    id: 'blocks', title: '5-hour blocks', route: 'blocks',
    draw(el, d) {
      const labels = d.rows.map((b) => time(b.start));
      const datasets = [{ type: 'bar', label: 'tokens', backgroundColor: d.rows.map((b) => (b.active ? '#d97706' : '#2563eb')), data: d.rows.map((b) => b.tokens) }];
      if (d.ceiling) datasets.push({ type: 'line', label: 'ceiling', borderColor: '#dc2626', borderDash: [6, 4], pointRadius: 0, data: d.rows.map(() => d.ceiling) });
      el.querySelector('header p').textContent = d.ceiling ? `ceiling ${tokens(d.ceiling)} tokens (the 5H PLAN gauge's 100 %)` : '';
      chart(el, { type: 'bar', data: { labels, datasets }, options: { scales: { y: { ticks: { callback: tokens } } } } });
      table(el, [['start', (b) => time(b.start)], ['tokens', (b) => num(b.tokens)], ['of ceiling', (b) => pct(b.pct_of_ceiling)], ['cost', (b) => usd(b.cost)], ['responses', (b) => num(b.responses)], ['active', (b) => (b.active ? 'yes' : '')]], d.rows);
    },
  },
  {
    id: 'heatmap', title: 'When you work', route: 'heatmap', note: 'tokens by weekday and local hour',
    isEmpty: (d) => !d.rows.some((c) => c.responses),
    draw(el, d) {
      const grid = document.createElement('div');
      grid.className = 'heat';
      const max = Math.max(1, ...d.rows.map((c) => c.tokens));
      grid.append(document.createElement('div'));
      for (let h = 0; h < 24; h++) grid.append(Object.assign(document.createElement('div'), { textContent: h % 3 === 0 ? String(h) : '' }));
      for (let dow = 0; dow < 7; dow++) {
        grid.append(Object.assign(document.createElement('div'), { textContent: d.days[dow] }));
        for (let h = 0; h < 24; h++) {
          const c = d.rows[dow * 24 + h];
          const cell = Object.assign(document.createElement('div'), { className: 'cell', title: `${d.days[dow]} ${h}:00 · ${tokens(c.tokens)} tokens · ${c.responses} responses` });
          cell.style.setProperty('--a', String(c.tokens ? 0.12 + 0.88 * Math.sqrt(c.tokens / max) : 0.04));
          grid.append(cell);
        }
      }
      custom(el, grid);
      table(el, [['day', (c) => d.days[c.dow]], ['hour', (c) => `${c.hour}:00`], ['responses', (c) => num(c.responses)], ['tokens', (c) => num(c.tokens)], ['cost', (c) => usd(c.cost)]], d.rows.filter((c) => c.responses));
    },
  },
  {
    id: 'projects', title: 'Projects', route: 'projects',
    draw(el, d) {
      const rows = d.rows.slice(0, 12);
      chart(el, {
        type: 'bar',
        data: { labels: rows.map((r) => r.label), datasets: [{ label: 'tokens', backgroundColor: color(0), data: rows.map((r) => r.tokens), xAxisID: 'x' }, { label: 'cost', backgroundColor: color(1), data: rows.map((r) => r.cost ?? 0), xAxisID: 'x1' }] },
        options: { indexAxis: 'y', scales: { y: { ticks: { autoSkip: false } }, x: { position: 'top', ticks: { callback: tokens } }, x1: { position: 'bottom', ticks: { callback: (v) => usd(v) }, grid: { drawOnChartArea: false } } } },
      });
      table(el, [['project', (r) => r.cwd], ['tokens', (r) => num(r.tokens)], ['cost', (r) => usd(r.cost)], ['responses', (r) => num(r.responses)], ['sessions', (r) => num(r.sessions)], ['last', (r) => time(r.last_at)]], d.rows);
    },
  },
  {
    id: 'cache', title: 'Cache hit rate and savings', route: 'cache',
    draw(el, d) {
      el.querySelector('header p').textContent = `the cache saved ${usd(d.saved_usd)} in this range`;
      chart(el, {
        type: 'line',
        data: { labels: d.rows.map((r) => r.date), datasets: [{ label: 'hit rate', borderColor: color(0), data: d.rows.map((r) => r.hit_rate), yAxisID: 'y' }, { type: 'bar', label: 'saved', backgroundColor: '#05966955', data: d.rows.map((r) => r.saved_usd), yAxisID: 'y1' }] },
        options: { scales: { y: { min: 0, max: 1, ticks: { callback: pct } }, y1: { position: 'right', ticks: { callback: (v) => usd(v) }, grid: { drawOnChartArea: false } } } },
      });
      table(el, [['day', (r) => r.date], ['hit rate', (r) => pct(r.hit_rate)], ['cache read', (r) => num(r.cache_read)], ['saved', (r) => usd(r.saved_usd)]], d.rows);
    },
  },
  {
    id: 'sessions', title: 'Sessions', route: 'sessions',
    draw(el, d) {
      el.querySelector('header p').textContent = `${plural(d.count, 'session')} · median ${duration(d.median_minutes)} · longest ${duration(d.longest_minutes)} · ${num(d.mean_responses)} responses each · ${plural(d.all_nighters, 'all-nighter')}`;
      chart(el, { type: 'bar', data: { labels: d.length_histogram.map((b) => b.bucket), datasets: [{ label: 'sessions', backgroundColor: color(2), data: d.length_histogram.map((b) => b.sessions) }] }, options: { plugins: { legend: { display: false } }, scales: { y: { ticks: COUNT_TICKS } } } });
      table(el, [['start', (s) => time(s.start)], ['minutes', (s) => num(s.minutes)], ['responses', (s) => num(s.responses)], ['prompts', (s) => num(s.prompts)], ['tokens', (s) => tokens(s.tokens)], ['cost', (s) => usd(s.cost)], ['all-nighter', (s) => (s.all_nighter ? 'yes' : '')]], [...d.rows].reverse());
    },
  },
  {
    id: 'tools', title: 'Top tools and failures', route: 'tools',
    draw(el, d) {
      const rows = d.rows.slice(0, 15);
      chart(el, { type: 'bar', data: { labels: rows.map((r) => r.name), datasets: [{ label: 'calls', backgroundColor: color(0), data: rows.map((r) => r.calls - r.failures) }, { label: 'failures', backgroundColor: color(3), data: rows.map((r) => r.failures) }] }, options: { indexAxis: 'y', scales: { x: { stacked: true, ticks: COUNT_TICKS }, y: { stacked: true, ticks: { autoSkip: false } } } } });
      table(el, [['tool', (r) => r.name], ['calls', (r) => num(r.calls)], ['failures', (r) => num(r.failures)], ['failure rate', (r) => pct(r.failure_rate)]], d.rows);
    },
  },
  {
    id: 'thinking', title: 'Thinking ratio', route: 'thinking', note: 'thinking / output tokens',
    draw(el, d) {
      chart(el, { type: 'line', data: { labels: d.rows.map((r) => r.date), datasets: [{ label: 'thinking ratio', borderColor: color(4), data: d.rows.map((r) => r.ratio) }] }, options: { scales: { y: { min: 0, max: 1, ticks: { callback: pct } } } } });
      table(el, [['day', (r) => r.date], ['thinking', (r) => num(r.thinking)], ['output', (r) => num(r.output)], ['ratio', (r) => pct(r.ratio)], ['API-reported', (r) => pct(r.reported_share)]], d.rows);
    },
  },
  {
    id: 'stop-reasons', title: 'Stop reasons', route: 'stop-reasons',
    draw(el, d) {
      // Older Claude Code left the reason out of most lines: the chart shows what is known and says how much is not.
      const known = d.rows.filter((r) => r.reason !== 'unrecorded');
      const all = d.rows.reduce((n, r) => n + r.responses, 0);
      const unknown = all - known.reduce((n, r) => n + r.responses, 0);
      el.querySelector('header p').textContent = unknown ? `${pct(unknown / all)} of responses have no recorded reason (older Claude Code); the chart shows the rest` : '';
      if (!known.length) return empty(el, d.rows.length ? 'no recorded stop reasons in this range' : undefined);
      chart(el, { type: 'doughnut', data: { labels: known.map((r) => r.reason), datasets: [{ data: known.map((r) => r.responses), backgroundColor: known.map((_, i) => color(i)) }] }, options: { plugins: { legend: { position: 'right' } } } });
      table(el, [['stop reason', (r) => r.reason], ['responses', (r) => num(r.responses)]], d.rows);
    },
  },
  {
    id: 'subagents', title: 'Subagent share', route: 'subagents',
    draw(el, d) {
      el.querySelector('header p').textContent = `${pct(d.share_tokens)} of tokens, ${pct(d.share_responses)} of responses`;
      chart(el, { type: 'line', data: { labels: d.rows.map((r) => r.date), datasets: [{ label: 'share of tokens', borderColor: color(5), data: d.rows.map((r) => r.share_tokens) }] }, options: { scales: { y: { min: 0, max: 1, ticks: { callback: pct } } } } });
      table(el, [['day', (r) => r.date], ['subagent tokens', (r) => num(r.subagent_tokens)], ['all tokens', (r) => num(r.tokens)], ['share', (r) => pct(r.share_tokens)], ['subagent cost', (r) => usd(r.subagent_cost)]], d.rows);
    },
  },
  {
    id: 'character', title: 'Character', route: 'character', wide: true,
    isEmpty: (d) => !d.weeks?.length,
    draw(el, d) {
      el.querySelector('header p').textContent = `${d.em_dashes} em-dashes and ${d.emoji} emoji from Claude · you corrected ${pct(d.correction_rate)} and thanked ${pct(d.thank_you_rate)} of the time · ${d.all_nighters.length} all-nighters`;
      chart(el, {
        type: 'bar',
        data: { labels: d.weeks.map((w) => `wk ${w.week}`), datasets: [{ label: 'em-dashes', backgroundColor: color(0), data: d.weeks.map((w) => w.em_dashes) }, { label: 'emoji', backgroundColor: color(6), data: d.weeks.map((w) => w.emoji) }, { label: 'your corrections', backgroundColor: color(3), data: d.weeks.map((w) => w.corrections) }, { label: 'thank-yous', backgroundColor: color(2), data: d.weeks.map((w) => w.thanks) }] },
      });
      const phrases = [];
      const n = Math.max(d.top_phrases.claude.length, d.top_phrases.user.length);
      for (let i = 0; i < n; i++) phrases.push({ claude: d.top_phrases.claude[i], user: d.top_phrases.user[i] });
      table(el, [['Claude says', (r) => (r.claude ? `${r.claude.phrase} (${r.claude.count})` : '')], ['you say', (r) => (r.user ? `${r.user.phrase} (${r.user.count})` : '')]], phrases);
    },
  },
];

export { panel };
