// One shared popover for gauges and lamps: shown on hover and keyboard focus, pinned by a tap
// or Enter/Space, closed by Escape, a tap elsewhere, or leaving. Text comes from content(target).
export function createTooltip(tip, targets, content) {
  let current = null;
  let pinned = false;

  function place() {
    if (!current) return;
    const r = current.getBoundingClientRect();
    const vw = document.documentElement.clientWidth;
    const vh = document.documentElement.clientHeight;
    tip.style.maxWidth = `${Math.min(360, vw - 16)}px`;
    const w = tip.offsetWidth;
    const h = tip.offsetHeight;
    const left = Math.max(8, Math.min(vw - w - 8, r.left + r.width / 2 - w / 2));
    // Below the target when it fits, above it otherwise, and never off the screen.
    let top = r.bottom + 8;
    if (top + h > vh - 8) top = r.top - h - 8;
    if (top < 8) top = Math.max(8, Math.min(vh - h - 8, r.top + 8));
    tip.style.left = `${Math.round(left)}px`;
    tip.style.top = `${Math.round(top)}px`;
  }

  function fill() {
    const { title, lines } = content(current);
    const h = document.createElement('h2');
    h.textContent = title;
    tip.replaceChildren(h, ...lines.map((t) => Object.assign(document.createElement('p'), { textContent: t })));
  }

  function show(target, pin = false) {
    if (current && current !== target) current.removeAttribute('aria-describedby');
    current = target;
    pinned = pin;
    fill();
    tip.hidden = false;
    target.setAttribute('aria-describedby', tip.id);
    place();
  }

  function hide() {
    if (!current) return;
    current.removeAttribute('aria-describedby');
    current = null;
    pinned = false;
    tip.hidden = true;
  }

  for (const t of targets) {
    t.addEventListener('pointerenter', (e) => {
      if (e.pointerType === 'mouse' && !pinned) show(t);
    });
    t.addEventListener('pointerleave', (e) => {
      if (e.pointerType === 'mouse' && !pinned && current === t) hide();
    });
    t.addEventListener('focus', () => {
      if (!pinned || current !== t) show(t);
    });
    t.addEventListener('blur', () => {
      if (current === t) hide();
    });
    t.addEventListener('click', () => {
      if (current === t && pinned) hide();
      else show(t, true);
    });
    t.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        if (current === t && !tip.hidden) hide();
        else show(t, true);
      }
    });
  }
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') hide();
  });
  document.addEventListener('pointerdown', (e) => {
    if (current && !current.contains(e.target) && !tip.contains(e.target)) hide();
  });
  window.addEventListener('resize', place);
  window.addEventListener('scroll', place, { passive: true });

  return {
    /** New data: rewrite the open popover in place. */
    refresh() {
      if (current) {
        fill();
        place();
      }
    },
    hide,
  };
}
