// Number formats shared by cards, axes and tables.
export const tokens = (n) => (n == null ? '–' : n >= 1e9 ? `${(n / 1e9).toFixed(2)}B` : n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(Math.round(n)));
export const usd = (n) => (n == null ? 'unknown' : n >= 100 ? `$${n.toFixed(0)}` : `$${n.toFixed(2)}`);
export const pct = (n) => (n == null ? '–' : `${(n * 100).toFixed(1)} %`);
export const num = (n) => (n == null ? '–' : Number(n).toLocaleString('en-US', { maximumFractionDigits: 2 }));
export const time = (iso) => (iso ? new Date(iso).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }) : '–');
