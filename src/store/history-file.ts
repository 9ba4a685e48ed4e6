// The history's file name in the state folder, alone in a module: a report that only asks whether
// a history exists (cli/from-history.ts) need not load SQLite with store/db.ts (about 12 ms).
export const HISTORY_FILE = 'history.sqlite';
