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

/** Per file named by a tool: what files and languages both fold. */
function fileRows(db: Db, f: Filter): FileRow[] {
  return remembered(db, `files|${rangeKey(db, f)}`, () => fileRowsNow(db, f));
}

function fileRowsNow(db: Db, f: Filter): FileRow[] {
  const w = where(f, 't');
  return db
    .prepare(
      `SELECT t.file AS file, max(t.ext) ext, min(t.project) project, min(p.cwd) cwd,
        sum(t.name IN ${EDIT_TOOLS} AND coalesce(r.is_error, 0) = 0) edits,
        sum(t.name IN ${EDIT_TOOLS} AND coalesce(r.is_error, 0) = 1) failed_edits,
        sum(t.name = 'Read') reads, max(t.at) last_at
       FROM tool_uses t LEFT JOIN tool_results r ON r.id = t.id LEFT JOIN projects p ON p.folder = t.project
       WHERE t.file IS NOT NULL AND ${w.sql} GROUP BY t.file`,
    )
    .all(...w.params) as FileRow[];
}

/** A path as the project sees it: relative to the project's folder when inside it. */
function shown(file: string, cwd: string | null): string {
  return cwd && file.startsWith(cwd.replace(/\/+$/, '') + '/') ? file.slice(cwd.replace(/\/+$/, '').length + 1) : file;
}

export function files(db: Db, f: Filter) {
  const edited = fileRows(db, f).filter((r) => r.edits > 0);
  edited.sort((a, b) => b.edits - a.edits || b.last_at - a.last_at || a.file.localeCompare(b.file));
  return {
    files_edited: edited.length,
    edits: edited.reduce((s, r) => s + r.edits, 0),
    rows: edited.slice(0, TOP_FILES).map((r) => ({
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
  const by = new Map<string, { language: string; edits: number; reads: number; files: number; extensions: Set<string> }>();
  for (const r of fileRows(db, f)) {
    const language = languageOf(r.ext, r.file);
    let l = by.get(language);
    if (!l) by.set(language, (l = { language, edits: 0, reads: 0, files: 0, extensions: new Set() }));
    l.edits += r.edits;
    l.reads += r.reads;
    l.files++;
    if (r.ext) l.extensions.add(r.ext);
  }
  const rows = [...by.values()].map((l) => ({ ...l, extensions: [...l.extensions].sort() }));
  rows.sort((a, b) => b.edits - a.edits || b.reads - a.reads || a.language.localeCompare(b.language));
  return { rows, note: 'by the extension of the files Read, Edit, Write, MultiEdit and NotebookEdit named; files counts each path once' };
}
