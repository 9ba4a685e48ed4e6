// One answer to one question while the history stands still. Several panels fold the same scan
// (the per-slot sums behind daily, heatmap, cache, thinking and subagents; the files behind files
// and languages; the sessions behind sessions and character; the projects behind the projects
// panel and the summary's list), and the page asks for them all at once: at 2 GB each scan is 0.1-0.4 s of SQLite. An answer is kept until the history moves:
// SQLite's data_version (which changes when another connection commits) and this connection's own
// changes together say so. Callers never change what they get.
import type { Db } from '../../store/db.js';
import type { Filter } from './filter.js';

/** Questions remembered per connection: a page's worth, across the filters it is asked with. */
const KEEP = 32;

const kept = new WeakMap<Db, { version: string; answers: Map<string, unknown> }>();

/** compute()'s answer, or the one it gave for `key` since the history last changed. */
export function remembered<T>(db: Db, key: string, compute: () => T): T {
  const version = `${db.pragma('data_version', { simple: true })}:${db.prepare('SELECT total_changes()').pluck().get()}`;
  let k = kept.get(db);
  if (!k || k.version !== version) kept.set(db, (k = { version, answers: new Map() }));
  if (k.answers.has(key)) return k.answers.get(key) as T;
  const answer = compute();
  if (k.answers.size >= KEEP) k.answers.clear();
  k.answers.set(key, answer);
  return answer;
}

/**
 * The filter's range as the rows see it, for a key: an end past the newest row (the default end
 * is a day from now, another instant at every request) is the same question as the newest row's
 * next millisecond.
 */
export function rangeKey(db: Db, f: Filter): string {
  const newest = db.prepare('SELECT max(m) FROM (SELECT max(at) m FROM responses UNION ALL SELECT max(at) FROM texts UNION ALL SELECT max(at) FROM tool_uses UNION ALL SELECT max(at) FROM interrupts)').pluck().get() as number | null;
  return `${f.from}|${Math.min(f.to, (newest ?? 0) + 1)}|${f.project ?? ''}`;
}
