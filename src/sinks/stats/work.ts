// What the tools worked on: Bash calls by program, the most edited files, languages touched.
// From the details kept at ingest (store/tool-detail.ts): a program's name, a file's path and
// extension; never a command line or a file's content.
import type { Db } from '../../store/db.js';
import { where, type Filter } from './filter.js';
import { rangeKey, remembered } from './memo.js';
import { languageOf } from './languages.js';
import { label } from './usage.js';

/** Tools that change a file; Read reads it. */
const EDIT_TOOLS = "('Edit', 'Write', 'MultiEdit', 'NotebookEdit')";
const TOP_FILES = 50;
const round = (x: number) => Math.round(x * 10_000) / 10_000;

export function bashCommands(db: Db, f: Filter) {
  const w = where(f, 't');
  const rows = db
    .prepare(
      `SELECT t.executable AS executable, count(*) calls, count(r.id) answered,
        coalesce(sum(r.is_error = 1 AND r.denial IS NULL), 0) failures, coalesce(sum(r.denial IS NOT NULL), 0) denied
       FROM tool_uses t LEFT JOIN tool_results r ON r.id = t.id
       WHERE t.name = 'Bash' AND ${w.sql} GROUP BY t.executable ORDER BY calls DESC, executable`,
    )
    .all(...w.params) as { executable: string | null; calls: number; answered: number; failures: number; denied: number }[];
  const known = rows.filter((r) => r.executable !== null);
  return {
    calls: rows.reduce((s, r) => s + r.calls, 0),
    // Recorded before the history kept programs, from transcripts since deleted.
    unrecorded: rows.find((r) => r.executable === null)?.calls ?? 0,
    rows: known.map((r) => ({ ...r, failure_rate: r.answered - r.denied > 0 ? round(r.failures / (r.answered - r.denied)) : null })),
    note: 'the program each Bash call ran first, after cd/export/source steps, variable assignments and sudo/env/time/timeout/nohup; a failure is an error result that is not a permission denial',
  };
}

/**
 * Per file named by a tool in the range: its edits (EDIT_TOOLS calls whose result is no error),
 * failed edits and reads, summed in SQLite. At 2 GB of history that is some 77k files: read into
 * JavaScript, each row cost more than its sums, only to rank 50 (files and languages 0.9-1.2 s
 * together, 0.6-0.85 s summed here). Only an edit's result is looked up: a read's never counts.
 */
function perFile(f: Filter): { sql: string; params: (string | number)[] } {
  const w = where(f, 't');
  return {
    sql: `SELECT t.file AS file, max(t.ext) ext, min(t.project) project, min(p.cwd) cwd,
        sum(t.name IN ${EDIT_TOOLS} AND coalesce(r.is_error, 0) = 0) edits,
        sum(t.name IN ${EDIT_TOOLS} AND coalesce(r.is_error, 0) = 1) failed_edits,
        sum(t.name = 'Read') reads, max(t.at) last_at
       FROM tool_uses t LEFT JOIN tool_results r ON r.id = t.id AND t.name IN ${EDIT_TOOLS} LEFT JOIN projects p ON p.folder = t.project
       WHERE t.file IS NOT NULL AND ${w.sql} GROUP BY t.file`,
    params: w.params,
  };
}

interface FileRow {
  file: string;
  ext: string;
  project: string;
  cwd: string | null;
  edits: number;
  failed_edits: number;
  reads: number;
  last_at: number;
}

/** A path as the project sees it: relative to the project's folder when inside it. */
function shown(file: string, cwd: string | null): string {
  return cwd && file.startsWith(cwd.replace(/\/+$/, '') + '/') ? file.slice(cwd.replace(/\/+$/, '').length + 1) : file;
}

const byEdits = (a: FileRow, b: FileRow) => b.edits - a.edits || b.last_at - a.last_at || a.file.localeCompare(b.file);

/** Per extension (and per name where languageOf reads it): the files' sums the languages fold. */
interface ExtensionGroup {
  ext: string | null;
  /** The path, where languageOf reads it (no extension, or .txt); else empty. */
  name: string;
  edits: number;
  reads: number;
  files: number;
}

interface FileSums {
  /** The most edited files, and every file tied with the last of them. */
  top: FileRow[];
  edited: number;
  edits: number;
  groups: ExtensionGroup[];
}

/** What files and languages both fold, from one pass over the tool calls. */
function fileSums(db: Db, f: Filter): FileSums {
  return remembered(db, `files|${rangeKey(db, f)}`, () => fileSumsNow(db, f));
}

function fileSumsNow(db: Db, f: Filter): FileSums {
  const g = perFile(f);
  // rank() keeps every file tied on edits and last edit with the last of the top ones: their
  // order (by path, as people read it: localeCompare) is decided in files(). A file's name
  // matters to languageOf only without an extension, or for CMakeLists.txt: those files are
  // summed one by one, every other by its extension.
  const rows = db
    .prepare(
      `WITH g AS MATERIALIZED (${g.sql})
       SELECT 0 grp, file, ext, project, cwd, edits, failed_edits, reads, last_at, edited, all_edits, NULL files FROM (
         SELECT g.*, rank() OVER (ORDER BY edits DESC, last_at DESC) rk, count(*) OVER () edited, sum(edits) OVER () all_edits
         FROM g WHERE edits > 0)
       WHERE rk <= ?
       UNION ALL
       SELECT 1, name, ext, NULL, NULL, sum(edits), NULL, sum(reads), NULL, NULL, NULL, count(*) FROM (
         SELECT ext, edits, reads, CASE WHEN coalesce(ext, '') IN ('', 'txt') THEN file ELSE '' END name FROM g)
       GROUP BY ext, name`,
    )
    .all(...g.params, TOP_FILES) as (FileRow & { grp: 0 | 1; edited: number | null; all_edits: number | null; files: number | null })[];
  const top = rows.filter((r) => r.grp === 0);
  const groups = rows.filter((r) => r.grp === 1).map((r) => ({ ext: r.ext, name: r.file, edits: r.edits, reads: r.reads, files: r.files ?? 0 }));
  return { top, edited: top[0]?.edited ?? 0, edits: top[0]?.all_edits ?? 0, groups };
}

export function files(db: Db, f: Filter) {
  const sums = fileSums(db, f);
  const top = [...sums.top].sort(byEdits);
  return {
    files_edited: sums.edited,
    edits: sums.edits,
    rows: top.slice(0, TOP_FILES).map((r) => ({
      file: r.file,
      path: shown(r.file, r.cwd),
      project: r.project,
      label: label(r.cwd ?? r.project),
      language: languageOf(r.ext, r.file),
      edits: r.edits,
      failed_edits: r.failed_edits,
      reads: r.reads,
      last_at: new Date(r.last_at).toISOString(),
    })),
    note: `an edit is an Edit, Write, MultiEdit or NotebookEdit call whose result was no error (a denied or failed one is in failed_edits); the top ${TOP_FILES} files`,
  };
}

export function languages(db: Db, f: Filter) {
  const groups = fileSums(db, f).groups;
  const by = new Map<string, { language: string; edits: number; reads: number; files: number; extensions: Set<string> }>();
  for (const r of groups) {
    const language = languageOf(r.ext ?? '', r.name);
    let l = by.get(language);
    if (!l) by.set(language, (l = { language, edits: 0, reads: 0, files: 0, extensions: new Set() }));
    l.edits += r.edits;
    l.reads += r.reads;
    l.files += r.files;
    if (r.ext) l.extensions.add(r.ext);
  }
  const rows = [...by.values()].map((l) => ({ ...l, extensions: [...l.extensions].sort() }));
  rows.sort((a, b) => b.edits - a.edits || b.reads - a.reads || a.language.localeCompare(b.language));
  return { rows, note: 'by the extension of the files Read, Edit, Write, MultiEdit and NotebookEdit named; files counts each path once' };
}
