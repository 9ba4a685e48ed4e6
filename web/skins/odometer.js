// The odometer readout both skins set under a gauge (range under 5H PLAN, context under THINKING):
// an HTML text layer over the skin's own window, as the LCD readouts are.

/** The odometer's text layer (HTML over the SVG window, like the LCD readout). */
export function odometerOutput(id) {
  const o = document.createElement('output');
  o.className = 'odometer';
  o.dataset.odometer = id;
  o.textContent = '—';
  return o;
}

/** What the odometer shows: its text, amber when it is something to act on, dim when it has nothing to say. */
export function showOdometer(node, o) {
  if (!node) return;
  if (node.textContent !== o.text) node.textContent = o.text;
  node.toggleAttribute('data-alarm', !!o.alarm);
  node.toggleAttribute('data-dim', !!o.dim);
}
