// One dashboard panel: a title, a chart (or custom view) and the same data as a table,
// switched by a button so every chart can be read as numbers.
const charts = new Map();

export function panel(root, { id, title, note = '', wide = false }) {
  let el = root.querySelector(`[data-panel="${id}"]`);
  if (!el) {
    el = document.createElement('section');
    el.className = `panel${wide ? ' wide' : ''}`;
    el.dataset.panel = id;
    el.innerHTML = `<header><h2></h2><p></p><button type="button" class="chip" aria-pressed="false">Table</button></header><div class="view"></div><div class="table" hidden></div>`;
    el.querySelector('h2').textContent = title;
    const btn = el.querySelector('button');
    btn.addEventListener('click', () => {
      const on = btn.getAttribute('aria-pressed') !== 'true';
      btn.setAttribute('aria-pressed', String(on));
      el.querySelector('.view').hidden = on;
      el.querySelector('.table').hidden = !on;
    });
    root.append(el);
  }
  el.querySelector('header p').textContent = note;
  return el;
}

/** Draws (or redraws) a Chart.js chart in the panel. */
export function chart(el, config) {
  const view = el.querySelector('.view');
  charts.get(el)?.destroy();
  view.replaceChildren();
  const canvas = document.createElement('canvas');
  view.append(canvas);
  const c = new Chart(canvas, { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options } });
  charts.set(el, c);
  el.dataset.drawn = 'true';
  delete el.dataset.empty;
  return c;
}

export function custom(el, node) {
  charts.get(el)?.destroy();
  charts.delete(el);
  el.querySelector('.view').replaceChildren(node);
  el.dataset.drawn = 'true';
}

/** columns: [[header, row => value]] */
export function table(el, columns, rows) {
  const t = document.createElement('table');
  const head = t.createTHead().insertRow();
  for (const [h] of columns) head.append(Object.assign(document.createElement('th'), { textContent: h }));
  const body = t.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    for (const [, f] of columns) tr.insertCell().textContent = f(r);
  }
  if (!rows.length) body.insertRow().insertCell().textContent = 'no data in this range';
  el.querySelector('.table').replaceChildren(t);
}

/** The panel says there is nothing to draw (and why), instead of axes over nothing. */
export function empty(el, why = 'no data in this range') {
  custom(el, Object.assign(document.createElement('p'), { className: 'empty', textContent: why }));
  el.dataset.empty = 'true';
}
