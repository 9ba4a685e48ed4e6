// Number and time formatting for readouts, tick labels and tooltips.

/** Tokens as a short figure: 850, 8.5k, 512k, 1.25M (no trailing zeros, fits a small window). */
export function fmtTokens(n) {
  if (!Number.isFinite(n) || n < 0) return '--';
  const short = (v, unit) => {
    const digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
    return `${String(Number(v.toFixed(digits)))}${unit}`;
  };
  if (n >= 1e9) return short(n / 1e9, 'G');
  if (n >= 1e6) return short(n / 1e6, 'M');
  if (n >= 1e3) return short(n / 1e3, 'k');
  return String(Math.round(n));
}

/** Thousands-grouped integer for tooltips: 35,402,977. */
export const fmtInt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '--');

/** 0-1 as a whole percentage. */
export const fmtPct = (f) => (Number.isFinite(f) ? `${Math.round(f * 100)}%` : '--');

/** 0-1 as a ratio with two decimals. */
export const fmtRatio = (f) => (Number.isFinite(f) ? f.toFixed(2) : '--');

/** An ISO time as local wall-clock time, with the date when it is not today. */
export function fmtTime(iso) {
  if (!iso) return '--';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '--';
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const today = new Date().toDateString() === d.toDateString();
  return today ? time : `${d.toLocaleDateString([], { month: 'short', day: 'numeric' })} ${time}`;
}

/** How long until an ISO time, roughly: "in 2 h 14 min". */
export function fmtUntil(iso, now = Date.now()) {
  const ms = new Date(iso).getTime() - now;
  if (!Number.isFinite(ms)) return '';
  if (ms <= 0) return 'now';
  const min = Math.round(ms / 60000);
  if (min < 60) return `in ${min} min`;
  return `in ${Math.floor(min / 60)} h ${String(min % 60).padStart(2, '0')} min`;
}

/** An ISO time as a 24-hour local clock, "14:32": the few characters an odometer window holds. */
export function fmtClock(iso) {
  const d = new Date(iso ?? NaN);
  if (Number.isNaN(d.getTime())) return '--:--';
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** US dollars, "$4.12"; whole dollars from $1000 on, where cents are noise. */
export const fmtUsd = (n, digits = 2) => (Number.isFinite(n) ? `$${n >= 1000 ? n.toFixed(0) : n.toFixed(digits)}` : '--');
