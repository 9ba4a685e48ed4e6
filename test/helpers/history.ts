// A history with many responses, made straight in SQLite: enough rows that a stats query takes
// SQLite a noticeable time (100k: a day-by-day query 0.1-0.2 s on the 2-core machine), without
// generating and ingesting transcripts first.
import type { Db } from '../../src/store/db.js';

/** `n` responses, one a minute from `start`, over 20 projects and 2,000 sessions; keys `${prefix}${i}`. */
export function addResponses(db: Db, n: number, start: number, prefix = 'k'): void {
  const put = db.prepare("INSERT INTO responses (key, at, model, input, output, cache_create, cache_5m, cache_1h, cache_read, thinking, thinking_reported, visible_chars, cost, cache_saved, project, session, agent, sidechain, synthetic, speed, stop_reason) VALUES (?, ?, 'claude-sonnet-4-5', 10, 20, 30, 30, 0, 40, 5, 0, 100, 0.01, 0.001, ?, ?, NULL, 0, 0, 0, 'end_turn')");
  db.transaction(() => {
    for (let i = 0; i < n; i++) put.run(`${prefix}${i}`, start + i * 60_000, `p${i % 20}`, `s${i % 2000}`);
  })();
}
