// The deep-stats dashboard: reads the filter from the form (and the URL), asks each /api route
// once per change, and redraws the panels.
import { getJson } from './api.js';
import { pct, tokens, usd } from './format.js';
import { PANELS, panel } from './panels.js';

const form = document.querySelector('[data-filters]');
const status = document.querySelector('[data-status]');
const cards = document.querySelector('[data-cards]');
const root = document.querySelector('[data-panels]');
const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
const day = (d) => d.toISOString().slice(0, 10);

if (globalThis.Chart) {
  Chart.defaults.color = getComputedStyle(document.body).color;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
}

function filter() {
  const f = Object.fromEntries(new FormData(form));
  return { from: f.from, to: f.to, project: f.project, tz };
}

function card(label, value, hint = '') {
  const el = document.createElement('div');
  el.className = 'card';
  el.innerHTML = '<small></small><b></b><small></small>';
  el.children[0].textContent = label;
  el.children[1].textContent = value;
  el.children[2].textContent = hint;
  return el;
}

let generation = 0;
async function refresh() {
  const gen = ++generation;
  const f = filter();
  status.textContent = 'loading…';
  status.dataset.state = 'loading';
  try {
    const [summary, now, projection] = await Promise.all([getJson('summary', f), getJson('now', f), getJson('projection', f)]);
    if (gen !== generation) return;
    fillProjects(summary.projects);
    const t = summary.totals;
    cards.replaceChildren(
      card('tokens', tokens(t.tokens), `${t.responses} responses`),
      card('cost', usd(t.cost), t.unpriced_responses ? `${t.unpriced_responses} responses unpriced` : 'at list prices'),
      card('cache saved', usd(t.saved)),
      card('projected 30 days', usd(projection.projected_30d_usd), `${usd(projection.burn_usd_per_day)}/day over the last 7 days`),
      card('5-hour window', now.available ? pct(now.window_5h_pct) : '–', now.available ? `source: ${now.window_5h_source}` : ''),
      card('seven days', now.available && now.seven_day_pct != null ? pct(now.seven_day_pct) : '–', now.seven_day_pct != null ? "Claude Code's own figure" : 'needs the statusline wired'),
      card('sessions', String(t.sessions)),
    );
    const cache = new Map();
    await Promise.all(
      PANELS.map(async (p) => {
        const el = panel(root, p);
        if (!cache.has(p.route)) cache.set(p.route, getJson(p.route, f));
        const data = await cache.get(p.route);
        if (gen === generation) p.draw(el, data);
      }),
    );
    const ing = summary.ingest;
    status.textContent = ing && !ing.backfilled ? `reading history: ${ing.files_done}/${ing.files_total} files` : `${t.first_at ? t.first_at.slice(0, 10) : '–'} to ${t.last_at ? t.last_at.slice(0, 10) : '–'} · ${tz}`;
    status.dataset.state = 'ok';
    document.body.dataset.ready = 'true';
  } catch (err) {
    status.textContent = String(err.message ?? err);
    status.dataset.state = 'error';
  }
}

function fillProjects(list) {
  const sel = form.elements.project;
  if (sel.options.length - 1 === list.length) return;
  const keep = sel.value;
  sel.replaceChildren(new Option('all projects', ''), ...list.map((p) => new Option(p.label, p.project)));
  sel.value = keep;
}

form.addEventListener('change', () => refresh());
form.addEventListener('submit', (e) => e.preventDefault());
for (const b of form.querySelectorAll('[data-range]')) {
  b.addEventListener('click', () => {
    const r = b.dataset.range;
    form.elements.from.value = r === 'all' ? '' : day(new Date(Date.now() - (Number(r) - 1) * 86_400_000));
    form.elements.to.value = '';
    for (const o of form.querySelectorAll('[data-range]')) o.setAttribute('aria-pressed', String(o === b));
    refresh();
  });
}
refresh();
