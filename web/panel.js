// The cluster's DOM: four gauges (drawn by the current skin, two with an odometer readout) and the
// annunciator row.
// render() takes the model's state every frame and touches the DOM only where it changed.
import { GAUGES, LAMPS } from './gauges.js';

/** Lamp colours as "r g b" for CSS; MODEL's comes from the model state. */
const LAMP_RGB = { hot: '255 48 36', warn: '255 162 24', stall: '56 124 255', idle: '46 230 96' };

export function createPanel(root) {
  const dials = root.querySelector('.dials');
  const row = root.querySelector('.annunciators');

  const figures = GAUGES.map((spec) => {
    const f = document.createElement('figure');
    f.className = 'gauge';
    f.dataset.gauge = spec.id;
    f.dataset.steps = '0';
    f.tabIndex = 0;
    f.setAttribute('role', 'meter');
    f.setAttribute('aria-valuemin', '0');
    f.setAttribute('aria-valuemax', '100');
    f.setAttribute('aria-valuenow', '0');
    f.setAttribute('aria-label', `${spec.title}: no data`);
    dials.append(f);
    return f;
  });

  const lamps = LAMPS.map((spec) => {
    const l = document.createElement('div');
    l.className = 'lamp';
    l.dataset.lamp = spec.id;
    l.dataset.on = 'false';
    l.tabIndex = 0;
    l.setAttribute('role', 'img');
    l.setAttribute('aria-label', `${spec.label} lamp: off`);
    if (LAMP_RGB[spec.id]) l.style.setProperty('--rgb', LAMP_RGB[spec.id]);
    const lens = document.createElement('span');
    lens.className = 'lens';
    const legend = document.createElement('span');
    legend.className = 'legend';
    legend.textContent = spec.label;
    l.append(lens, legend);
    if (spec.id === 'model') {
      l.dataset.model = 'off';
      const sub = document.createElement('span');
      sub.className = 'sub';
      sub.textContent = '—';
      l.append(sub);
    }
    row.append(l);
    return l;
  });

  let parts = [];
  let payload = null;
  let lost = false;
  const shown = { steps: [], lamps: {}, stale: null, lost: null };

  function showPayload() {
    GAUGES.forEach((spec, i) => {
      const part = parts[i];
      part.update(payload);
      const live = payload && !lost;
      const text = live ? spec.readout(payload) : '--';
      part.setValue(text);
      // The odometer under the gauge: its words join the gauge's label (a meter's children are not read).
      const odo = spec.odometer?.show(live ? payload : null);
      if (odo) part.setOdometer(odo);
      const f = figures[i];
      f.setAttribute('aria-valuenow', live ? String(Math.round((payload.gauges?.[spec.id] ?? 0) / 10)) : '0');
      f.setAttribute('aria-valuetext', text);
      f.setAttribute('aria-label', `${spec.title}: ${live ? spec.aria(payload) : 'no data'}${odo && live ? `; ${odo.say}` : ''}`);
    });
  }

  return {
    figures,
    lamps,

    /** Rebuilds every gauge in a new skin, keeping the needles where they are. */
    setSkin(skin) {
      let defs = document.getElementById('skin-defs');
      if (!defs) {
        defs = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
        defs.id = 'skin-defs';
        defs.setAttribute('aria-hidden', 'true');
        defs.setAttribute('class', 'defs');
        document.body.prepend(defs);
      }
      defs.replaceChildren(skin.defs());
      parts = GAUGES.map((spec, i) => skin.gauge(figures[i], spec));
      parts.forEach((p, i) => p.setSteps(shown.steps[i] ?? 0));
      showPayload();
    },

    /** A new payload (or the link going down): readouts, scales, labels. */
    setPayload(p, isLost = false) {
      if (p) payload = p;
      lost = isLost;
      showPayload();
    },

    render(state) {
      state.needles.forEach((steps, i) => {
        if (shown.steps[i] === steps) return;
        shown.steps[i] = steps;
        figures[i].dataset.steps = String(steps);
        parts[i]?.setSteps(steps);
      });
      const l = state.lamps;
      const want = {
        model: { on: l.model !== 'off', level: l.model !== 'off' ? 1 : 0, rgb: l.rgb.join(' '), model: l.model },
        hot: { on: l.hot, level: l.hot ? 1 : 0 },
        warn: { on: l.warn, level: l.warn ? 1 : 0 },
        stall: { on: l.stall, level: l.stall ? 1 : 0 },
        idle: { on: l.idle > 0, level: Math.round((l.idle / 255) * 100) / 100 },
      };
      LAMPS.forEach((spec, i) => {
        const w = want[spec.id];
        const was = shown.lamps[spec.id] ?? {};
        const node = lamps[i];
        if (w.level !== was.level) node.style.setProperty('--level', String(w.level));
        if (w.on !== was.on) {
          node.dataset.on = String(w.on);
          node.setAttribute('aria-label', `${spec.label} lamp: ${w.on ? 'on' : 'off'}${w.model && w.on ? `, ${w.model}` : ''}`);
        }
        if (w.model !== undefined && w.model !== was.model) {
          node.dataset.model = w.model;
          node.style.setProperty('--rgb', w.on ? w.rgb : '200 200 200');
          node.querySelector('.sub').textContent = w.on ? w.model.toUpperCase() : '—';
          node.setAttribute('aria-label', `${spec.label} lamp: ${w.on ? `on, ${w.model}` : 'off'}`);
        }
        shown.lamps[spec.id] = w;
      });
      if (state.stale !== shown.stale) root.toggleAttribute('data-stale', (shown.stale = state.stale));
      if (state.lost !== shown.lost) root.toggleAttribute('data-lost', (shown.lost = state.lost));
    },
  };
}
