// The panels of what the tools worked on and of friction and rhythm: Bash programs, files,
// languages, interrupts, denials, streaks, project switching.
import { chart, table } from './panel.js';
import { COUNT_TICKS, color, days, plural } from './panels.js';
import { num, pct, time } from './format.js';

const TOP = 15;
/** A long path as a bar label: its tail, which names the file. */
const tail = (p, n = 42) => (p.length > n ? `…${p.slice(-(n - 1))}` : p);
const hbar = (labels, datasets) => ({ type: 'bar', data: { labels, datasets }, options: { indexAxis: 'y', scales: { x: { stacked: true, ticks: COUNT_TICKS }, y: { stacked: true, ticks: { autoSkip: false } } } } });
/** Per-day counts on a date axis without gaps. */
function perDay(rows, field) {
  const labels = rows.length ? days(rows[0].date, rows[rows.length - 1].date) : [];
  return { labels, data: labels.map((d) => rows.find((r) => r.date === d)?.[field] ?? 0) };
}

export const DEEP_PANELS = [
  {
    id: 'bash', title: 'Bash commands by program', route: 'bash',
    draw(el, d) {
      el.querySelector('header p').textContent = `${plural(d.calls, 'Bash call')}${d.unrecorded ? ` (${num(d.unrecorded)} from before the history kept programs)` : ''}`;
      const rows = d.rows.slice(0, TOP);
      chart(el, hbar(rows.map((r) => r.executable), [
        { label: 'ran', backgroundColor: color(0), data: rows.map((r) => r.calls - r.failures - r.denied) },
        { label: 'failed', backgroundColor: color(3), data: rows.map((r) => r.failures) },
        { label: 'denied', backgroundColor: color(1), data: rows.map((r) => r.denied) },
      ]));
      table(el, [['program', (r) => r.executable], ['calls', (r) => num(r.calls)], ['failures', (r) => num(r.failures)], ['failure rate', (r) => pct(r.failure_rate)], ['denied', (r) => num(r.denied)]], d.rows);
    },
  },
  {
    id: 'languages', title: 'Languages', route: 'languages', note: 'by the extension of the files read and edited',
    draw(el, d) {
      const rows = d.rows.slice(0, TOP);
      chart(el, hbar(rows.map((r) => r.language), [{ label: 'edits', backgroundColor: color(2), data: rows.map((r) => r.edits) }, { label: 'reads', backgroundColor: color(5), data: rows.map((r) => r.reads) }]));
      table(el, [['language', (r) => r.language], ['extensions', (r) => r.extensions.join(' ')], ['edits', (r) => num(r.edits)], ['reads', (r) => num(r.reads)], ['files', (r) => num(r.files)]], d.rows);
    },
  },
  {
    id: 'files', title: 'Most edited files', route: 'files', wide: true,
    draw(el, d) {
      el.querySelector('header p').textContent = `${plural(d.edits, 'edit')} to ${plural(d.files_edited, 'file')}; paths stay on this machine`;
      const rows = d.rows.slice(0, TOP);
      chart(el, hbar(rows.map((r) => tail(r.path)), [{ label: 'edits', backgroundColor: color(4), data: rows.map((r) => r.edits) }, { label: 'failed edits', backgroundColor: color(3), data: rows.map((r) => r.failed_edits) }]));
      table(el, [['file', (r) => r.path], ['project', (r) => r.label], ['language', (r) => r.language], ['edits', (r) => num(r.edits)], ['failed', (r) => num(r.failed_edits)], ['reads', (r) => num(r.reads)], ['last edit', (r) => time(r.last_at)]], d.rows);
    },
  },
  {
    id: 'interrupts', title: 'Interrupted turns', route: 'interrupts', isEmpty: (d) => !d.interrupts,
    draw(el, d) {
      el.querySelector('header p').textContent = `${plural(d.interrupts, 'interrupt')} (${num(d.during_reply)} during a reply, ${num(d.during_tool)} during a tool) · ${d.per_prompt == null ? '–' : num(d.per_prompt)} per prompt`;
      const { labels, data } = perDay(d.days, 'interrupts');
      chart(el, { type: 'bar', data: { labels, datasets: [{ label: 'interrupts', backgroundColor: color(3), data }] }, options: { plugins: { legend: { display: false } }, scales: { y: { ticks: COUNT_TICKS } } } });
      table(el, [['day', (r) => r.date], ['interrupts', (r) => num(r.interrupts)], ['prompts', (r) => num(r.prompts)]], d.days);
    },
  },
  {
    id: 'denials', title: 'Permission denials', route: 'denials', isEmpty: (d) => !d.denials,
    draw(el, d) {
      el.querySelector('header p').textContent = `${plural(d.denials, 'denial')}: ${num(d.rejected)} rejected at the prompt, ${num(d.rule)} by a rule, ${num(d.not_granted)} not granted · ${pct(d.rate)} of tool calls`;
      chart(el, { type: 'bar', data: { labels: d.tools.map((t) => t.name), datasets: [{ label: 'denials', backgroundColor: color(1), data: d.tools.map((t) => t.denials) }] }, options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { ticks: COUNT_TICKS }, y: { ticks: { autoSkip: false } } } } });
      table(el, [['tool', (r) => r.name], ['denials', (r) => num(r.denials)]], d.tools);
    },
  },
  {
    id: 'streaks', title: 'Streaks', route: 'streaks', isEmpty: (d) => !d.active_days,
    draw(el, d) {
      const cur = d.current.days ? `current streak ${plural(d.current.days, 'day')}${d.current.active_today ? '' : ' (nothing yet today)'}` : 'no current streak';
      el.querySelector('header p').textContent = `${cur} · longest ${plural(d.longest.days, 'day')} (${d.longest.start} to ${d.longest.end}) · ${plural(d.active_days, 'active day')}`;
      chart(el, { type: 'bar', data: { labels: d.runs.map((r) => r.start), datasets: [{ label: 'days in a row', backgroundColor: d.runs.map((r) => (r === d.runs[d.runs.length - 1] && d.current.days ? color(1) : color(2))), data: d.runs.map((r) => r.days) }] }, options: { plugins: { legend: { display: false } }, scales: { y: { ticks: COUNT_TICKS } } } });
      table(el, [['from', (r) => r.start], ['to', (r) => r.end], ['days', (r) => num(r.days)]], [...d.runs].reverse());
    },
  },
  {
    id: 'project-switching', title: 'Project switching', route: 'project-switching', isEmpty: (d) => !d.days.length,
    draw(el, d) {
      el.querySelector('header p').textContent = `${plural(d.switches, 'switch', 'switches')} in ${plural(d.active_days, 'day')} (${num(d.switches_per_day)} a day) · ${num(d.session_switches)} of ${num(d.session_pairs)} sessions changed project`;
      const sw = perDay(d.days, 'switches');
      const projects = perDay(d.days, 'projects');
      chart(el, { type: 'bar', data: { labels: sw.labels, datasets: [{ label: 'switches', backgroundColor: color(4), data: sw.data }, { type: 'line', label: 'projects that day', borderColor: color(0), data: projects.data }] }, options: { scales: { y: { ticks: COUNT_TICKS } } } });
      table(el, [['day', (r) => r.date], ['prompts', (r) => num(r.prompts)], ['projects', (r) => num(r.projects)], ['switches', (r) => num(r.switches)]], d.days);
    },
  },
];
