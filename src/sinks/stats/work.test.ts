// The files and languages panels sum per file in SQLite and read back only the top files and the
// sums per extension: held here to a plain fold over every tool call row, on real transcripts and
// on rows made to hit the edges (ties at the last place, names without an extension, backslashes,
// CMakeLists.txt, calls before the history kept extensions).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openHistory, type Db } from '../../store/db.js';
import { ingestPaths, transcriptFiles } from '../../store/ingest.js';
import { fixtureCopy, tempDir } from '../../../test/helpers/cli.js';
import { parseFilter, type Filter } from './filter.js';
import { languageOf } from './languages.js';
import { files, languages } from './work.js';

const EDIT = new Set(['Edit', 'Write', 'MultiEdit', 'NotebookEdit']);

/** Both panels from every row, one file at a time in JavaScript. */
function reference(db: Db, f: Filter) {
  const rows = db
    .prepare(`SELECT t.file, t.ext, t.project, t.name, t.at, r.is_error, p.cwd FROM tool_uses t LEFT JOIN tool_results r ON r.id = t.id LEFT JOIN projects p ON p.folder = t.project WHERE t.file IS NOT NULL AND t.at >= ? AND t.at < ?${f.project ? ' AND t.project = ?' : ''}`)
    .all(...[f.from, f.to, ...(f.project ? [f.project] : [])]) as { file: string; ext: string | null; project: string; name: string; at: number; is_error: number | null; cwd: string | null }[];
  type Acc = { file: string; ext: string | null; project: string; cwd: string | null; edits: number; failed_edits: number; reads: number; last_at: number };
  const by = new Map<string, Acc>();
  const min = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : b < a ? b : a);
  for (const r of rows) {
    let a = by.get(r.file);
    if (!a) by.set(r.file, (a = { file: r.file, ext: r.ext, project: r.project, cwd: r.cwd, edits: 0, failed_edits: 0, reads: 0, last_at: r.at }));
    a.ext = a.ext === null ? r.ext : r.ext === null || r.ext < a.ext ? a.ext : r.ext;
    a.project = min(a.project, r.project)!;
    a.cwd = min(a.cwd, r.cwd);
    if (EDIT.has(r.name) && r.is_error !== 1) a.edits++;
    if (EDIT.has(r.name) && r.is_error === 1) a.failed_edits++;
    if (r.name === 'Read') a.reads++;
    a.last_at = Math.max(a.last_at, r.at);
  }
  const all = [...by.values()];
  const edited = all.filter((a) => a.edits > 0).sort((a, b) => b.edits - a.edits || b.last_at - a.last_at || a.file.localeCompare(b.file));
  const langs = new Map<string, { edits: number; reads: number; files: number; extensions: Set<string> }>();
  for (const a of all) {
    const language = languageOf(a.ext ?? '', a.file);
    const l = langs.get(language) ?? { edits: 0, reads: 0, files: 0, extensions: new Set<string>() };
    langs.set(language, l);
    l.edits += a.edits;
    l.reads += a.reads;
    l.files++;
    if (a.ext) l.extensions.add(a.ext);
  }
  return {
    files: { count: edited.length, edits: edited.reduce((s, a) => s + a.edits, 0), top: edited.slice(0, 50).map((a) => [a.file, a.edits, a.failed_edits, a.reads, a.last_at, a.project]) },
    languages: [...langs].map(([language, l]) => [language, l.edits, l.reads, l.files, [...l.extensions].sort().join()]).sort(),
  };
}

function answered(db: Db, f: Filter) {
  const fl = files(db, f);
  return {
    files: { count: fl.files_edited, edits: fl.edits, top: fl.rows.map((r) => [r.file, r.edits, r.failed_edits, r.reads, Date.parse(r.last_at), r.project]) },
    languages: languages(db, f).rows.map((l) => [l.language, l.edits, l.reads, l.files, l.extensions.join()]).sort(),
  };
}

/** Rows at the edges: 60 files tied on edits and time around the 50th place, odd names and paths. */
function edgeRows(db: Db): void {
  const use = db.prepare('INSERT INTO tool_uses (id, response, name, at, project, executable, file, ext) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)');
  const result = db.prepare('INSERT INTO tool_results (id, is_error, denial) VALUES (?, ?, NULL)');
  db.prepare("INSERT OR IGNORE INTO projects (folder, cwd) VALUES ('-edge-a', '/edge/a'), ('-edge-b', '/edge/b')").run();
  const at = Date.parse('2026-11-20T10:00:00Z');
  let n = 0;
  const call = (name: string, file: string, ext: string | null, when: number, project = '-edge-a', error: number | null = 0) => {
    const id = `edge-${n++}`;
    use.run(id, 'edge-response', name, when, project, file, ext);
    if (error !== null) result.run(id, error);
  };
  // Two edits each: ten files later than the rest, then fifty tied at one instant across the 50th
  // place, where binary and locale order differ (case, underscores, accents).
  const names = ['B.ts', 'a.ts', '_z.ts', 'Z.ts', 'é.ts', 'e.ts', 'A_b.ts', 'a-b.ts', 'ab.ts', 'aB.ts'];
  for (let i = 0; i < 60; i++) for (const _ of [0, 1]) call('Edit', `/edge/a/${names[i % names.length]}${Math.floor(i / names.length)}`, 'ts', at + (i < 10 ? 100 + i : 0));
  for (const [file, ext] of [['/edge/a/Makefile', ''], ['C:\\edge\\Dockerfile', ''], ['/edge/a/CMakeLists.txt', 'txt'], ['/edge/a/notes.txt', 'txt'], ['/edge/a/LICENSE', ''], ['/edge/a/x.weird', 'weird'], ['/edge/b/old', null]] as const) {
    call('Read', file, ext, at - 5_000);
    call('Write', file, ext, at - 4_000, '-edge-b');
    call('Edit', file, ext, at - 3_000, '-edge-a', 1); // failed
    call('Edit', file, ext, at - 2_000, '-edge-a', null); // no result yet: counts as an edit
  }
}

test('files and languages: the sums per file in SQLite are the fold over every call', async () => {
  const h = openHistory(await tempDir('stats-files'));
  try {
    ingestPaths(h.db, transcriptFiles([await fixtureCopy()]));
    const fromFixtures = h.db.prepare('SELECT count(DISTINCT file) FROM tool_uses').pluck().get() as number;
    assert.ok(fromFixtures > 50, `${fromFixtures} files in the fixtures`);
    edgeRows(h.db);
    const now = Date.parse('2026-12-01T00:00:00Z');
    const project = h.db.prepare('SELECT project FROM tool_uses WHERE file IS NOT NULL GROUP BY project ORDER BY count(*) DESC').pluck().get() as string;
    const filters = [
      parseFilter(() => undefined, now),
      parseFilter((k) => (k === 'project' ? project : undefined), now),
      parseFilter((k) => (k === 'project' ? '-edge-a' : undefined), now),
      parseFilter((k) => ({ from: '2026-11-20', to: '2026-11-20' })[k as 'from'], now),
    ];
    for (const f of filters) {
      const want = reference(h.db, f);
      assert.ok(want.files.top.length > 0 && want.languages.length > 0, JSON.stringify(f));
      assert.deepEqual(answered(h.db, f), want, JSON.stringify(f));
    }
    // The edges were reached: the 50th place is inside a tie, and names decide some languages.
    const edge = answered(h.db, filters[2]).files.top;
    const tied = h.db.prepare("SELECT count(*) FROM tool_uses WHERE file LIKE '/edge/a/%.ts_' AND at = ? AND project = '-edge-a'").pluck().get(Date.parse('2026-11-20T10:00:00Z')) as number;
    assert.equal(tied, 100);
    assert.deepEqual([edge.length, edge[49][1], edge[49][4]], [50, 2, Date.parse('2026-11-20T10:00:00Z')]);
    const all = answered(h.db, filters[0]);
    const langs = new Set(all.languages.map((l) => l[0]));
    for (const l of ['Makefile', 'Dockerfile', 'CMake', 'Text', 'no extension', '.weird']) assert.ok(langs.has(l), l);
  } finally {
    h.close();
  }
});
