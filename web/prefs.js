// Settings kept in localStorage. Storage can be missing or throw (private modes, file://):
// then the settings simply last for the visit.
const PREFIX = 'claude-gauge.';
const memory = new Map();

export const prefs = {
  get(key, fallback) {
    try {
      const v = window.localStorage.getItem(PREFIX + key);
      return v === null ? fallback : v;
    } catch {
      return memory.get(key) ?? fallback;
    }
  },
  set(key, value) {
    memory.set(key, String(value));
    try {
      window.localStorage.setItem(PREFIX + key, String(value));
    } catch {
      /* kept in memory only */
    }
  },
};
