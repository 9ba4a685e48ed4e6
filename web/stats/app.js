// The deep-stats dashboard: reads the filter from the form (and the URL), asks each /api route
// once per change, and redraws the panels.
import { getJson } from './api.js';
import { summaryCards } from './cards.js';
import { DEEP_PANELS } from './deep-panels.js';
import { PANELS, panel } from './panels.js';
import { empty, table } from './panel.js';

const form = document.querySelector('[data-filters]');
const status = document.querySelector('[data-status]');
const cards = document.querySelector('[data-cards]');
const root = document.querySelector('[data-panels]');
const notice = document.querySelector('[data-notice]');
/** While the history is being read for the first time, the page asks again this often. */
const FILLING_REFRESH_MS = 3000;
/** While it fills, the page asks again no sooner than this many times its last answer took: its queries share the machine with the build. */
const FILLING_SHARE = 3;
let again = null;
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
  const began = performance.now();
  const f = filter();
  status.textContent = 'loading…';
  status.dataset.state = 'loading';
  try {
    const [summary, now, projection] = await Promise.all([getJson('summary', f), getJson('now', f), getJson('projection', f)]);
    if (gen !== generation) return;
    fillProjects(summary.projects);
    const t = summary.totals;
    cards.replaceChildren(...summaryCards(t, now, projection).map((c) => card(c.label, c.value, c.hint)));
    const cache = new Map();
    await Promise.all(
      [...PANELS, ...DEEP_PANELS].map(async (p) => {
        const el = panel(root, p);
        if (!cache.has(p.route)) cache.set(p.route, getJson(p.route, f));
        const data = await cache.get(p.route);
        if (gen !== generation) return;
        if ((p.isEmpty ?? ((d) => !d.rows?.length))(data)) {
          empty(el);
          table(el, [['', () => '']], []);
        } else p.draw(el, data);
      }),
    );
    const ing = summary.ingest;
    const filling = ing && !ing.backfilled;
    status.textContent = filling ? `reading history${ing.responses_in ? ' details' : ''}: ${ing.files_done}/${ing.files_total} files` : t.first_at ? `${t.first_at.slice(0, 10)} to ${t.last_at.slice(0, 10)} · ${tz}` : `no data · ${tz}`;
    await explain(t, ing, f);
    clearTimeout(again);
    if (filling) again = setTimeout(refresh, Math.max(FILLING_REFRESH_MS, FILLING_SHARE * (performance.now() - began)));
    status.dataset.state = 'ok';
    document.body.dataset.ready = 'true';
  } catch (err) {
    status.textContent = String(err.message ?? err);
    status.dataset.state = 'error';
  }
}

/** Says why there is nothing to show: the history still filling, no transcripts at all, or a range before or after it. */
async function explain(t, ing, f) {
  let text = '';
  if (t.responses === 0) {
    if (ing && !ing.backfilled) text = `The history is still being read (${ing.files_done} of ${ing.files_total} files); the panels fill in as it goes.`;
    else if (f.from || f.to || f.project) {
      const all = (await getJson('summary', { tz })).totals;
      text = all.responses
        ? `No data in this range. The history runs from ${all.first_at.slice(0, 10)} to ${all.last_at.slice(0, 10)}: try "all".`
        : 'No data yet: the history is empty.';
    } else text = 'No data yet: no Claude Code transcripts were found. The history fills from ~/.claude/projects (or the folders in CLAUDE_CONFIG_DIR) while claude-gauge serve runs.';
  } else if (ing && !ing.backfilled && ing.responses_in) text = `Tokens, costs and blocks are complete; tools, texts and thinking estimates are still being read (${ing.files_done} of ${ing.files_total} files).`;
  else if (ing && !ing.backfilled) text = `Still reading older history (${ing.files_done} of ${ing.files_total} files): figures grow until it is done.`;
  notice.textContent = text;
  notice.hidden = !text;
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
