// Export and import of the history: another machine's export merges without double counting,
// because every row has a stable key (a response's key keeps its largest copy; counters and
// tools are keyed by content hash or tool id). Text never leaves: only counters and openers.
import type { Db } from './db.js';
import { Pricer } from './pricing.js';
import { dropReportSlots, keepReportSlots } from './report-slots.js';
import { beatsRow, RESPONSE_COLUMNS, Writer, type ResponseRow } from './writer.js';

export const FORMAT = 'claude-gauge-history';
export const FORMAT_VERSION = 1;

export interface ExportDoc {
  format: typeof FORMAT;
  version: number;
  exported_at: string;
  responses: ResponseRow[];
  tool_uses: { id: string; response: string; name: string; at: number; project: string; executable?: string | null; file?: string | null; ext?: string | null }[];
  tool_results: { id: string; is_error: number; denial?: string | null }[];
  interrupts?: { hash: string; at: number; project: string; session: string; kind: string }[];
  texts: Record<string, unknown>[];
  projects: { folder: string; cwd: string }[];
}

export function exportJson(db: Db): ExportDoc {
  return {
    format: FORMAT,
    version: FORMAT_VERSION,
    exported_at: new Date().toISOString(),
    responses: (db.prepare('SELECT * FROM responses ORDER BY at, key').all() as ResponseRow[]).map(clean),
    tool_uses: db.prepare('SELECT * FROM tool_uses ORDER BY at, id').all() as ExportDoc['tool_uses'],
    tool_results: db.prepare('SELECT * FROM tool_results ORDER BY id').all() as ExportDoc['tool_results'],
    texts: db.prepare('SELECT * FROM texts ORDER BY at, hash').all() as Record<string, unknown>[],
    interrupts: db.prepare('SELECT * FROM interrupts ORDER BY at, hash').all() as ExportDoc['interrupts'],
    projects: db.prepare('SELECT * FROM projects ORDER BY folder').all() as ExportDoc['projects'],
  };
}

/** Responses as CSV (one row per response, ISO timestamps), for spreadsheets; `import` reads it back. */
export function* exportCsv(db: Db): Generator<string> {
  yield RESPONSE_COLUMNS.join(',') + '\n';
  for (const r of db.prepare('SELECT * FROM responses ORDER BY at, key').iterate() as IterableIterator<ResponseRow>) {
    const row = clean(r);
    yield RESPONSE_COLUMNS.map((c) => csvCell(c === 'at' ? new Date(row.at).toISOString() : row[c])).join(',') + '\n';
  }
}

/** Dollar figures to 1e-10 USD: sums of prices print as 0.0468192, not 0.046819200000000005. */
function clean(r: ResponseRow): ResponseRow {
  const round = (v: number | null) => (v === null ? null : Math.round(v * 1e10) / 1e10);
  return { ...r, cost: round(r.cost), cache_saved: round(r.cache_saved) };
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell || row.length) row.push(cell), rows.push(row);
  return rows;
}

export interface ImportResult {
  responses_new: number;
  responses_replaced: number;
  responses_kept: number;
  texts_new: number;
  tools_new: number;
}

const NUMERIC = new Set(['input', 'output', 'cache_create', 'cache_5m', 'cache_1h', 'cache_read', 'thinking', 'thinking_reported', 'visible_chars', 'sidechain', 'synthetic', 'speed']);

/** Above this many responses an import empties the report sums and makes them again after (report-slots.ts). */
const RESUM_ROWS = 2000;

/** Merges a JSON export or a CSV of responses; costs are recomputed with this machine's prices. */
export function importText(db: Db, text: string, pricer = new Pricer()): ImportResult {
  const trimmed = text.trimStart();
  const doc: Partial<ExportDoc> = trimmed.startsWith('{') ? JSON.parse(trimmed) : { format: FORMAT, responses: csvResponses(trimmed) };
  if (doc.format !== FORMAT) throw new Error(`not a claude-gauge history export (format ${JSON.stringify(doc.format)})`);
  if ((doc.version ?? 1) > FORMAT_VERSION) throw new Error(`export version ${doc.version} is newer than this claude-gauge understands (${FORMAT_VERSION})`);
  const w = new Writer(db, pricer);
  const res: ImportResult = { responses_new: 0, responses_replaced: 0, responses_kept: 0, texts_new: 0, tools_new: 0 };
  const get = db.prepare('SELECT * FROM responses WHERE key = ?');
  const addText = db.prepare('INSERT OR IGNORE INTO texts (hash, side, at, project, session, chars, em_dashes, emoji, correction, thanks, phrases) VALUES (@hash, @side, @at, @project, @session, @chars, @em_dashes, @emoji, @correction, @thanks, @phrases)');
  const addTool = db.prepare('INSERT OR IGNORE INTO tool_uses (id, response, name, at, project, executable, file, ext) VALUES (@id, @response, @name, @at, @project, @executable, @file, @ext)');
  const addResult = db.prepare('INSERT INTO tool_results (id, is_error, denial) VALUES (@id, @is_error, @denial) ON CONFLICT(id) DO UPDATE SET is_error = max(is_error, excluded.is_error), denial = coalesce(tool_results.denial, excluded.denial)');
  const addInterrupt = db.prepare('INSERT OR IGNORE INTO interrupts (hash, at, project, session, kind) VALUES (@hash, @at, @project, @session, @kind)');
  const addProject = db.prepare('INSERT OR IGNORE INTO projects (folder, cwd) VALUES (@folder, @cwd)');
  const many = (doc.responses?.length ?? 0) > RESUM_ROWS;
  db.transaction(() => {
    // Many responses would recompute a report group each: the sums are made again once, after.
    if (many) dropReportSlots(db);
    for (const raw of doc.responses ?? []) {
      const r = normalize(raw as unknown as Record<string, unknown>);
      const cur = get.get(r.key) as ResponseRow | undefined;
      if (!cur) res.responses_new++;
      else if (beatsRow(r, cur)) res.responses_replaced++;
      else {
        res.responses_kept++;
        continue;
      }
      if (cur) r.visible_chars = Math.max(r.visible_chars, cur.visible_chars);
      w.save(r);
    }
    for (const t of doc.texts ?? []) res.texts_new += addText.run(t).changes;
    // Exports from before migration 3 carry no tool details: they import as unknown (NULL).
    for (const t of doc.tool_uses ?? []) res.tools_new += addTool.run({ executable: null, file: null, ext: null, ...t }).changes;
    for (const t of doc.tool_results ?? []) addResult.run({ denial: null, ...t });
    for (const i of doc.interrupts ?? []) addInterrupt.run(i);
    for (const p of doc.projects ?? []) addProject.run(p);
  })();
  if (many) keepReportSlots(db);
  return res;
}

function normalize(raw: Record<string, unknown>): ResponseRow {
  const r: Record<string, unknown> = {};
  for (const c of RESPONSE_COLUMNS) {
    const v = raw[c];
    if (c === 'at') r.at = typeof v === 'number' ? v : Date.parse(String(v));
    else if (NUMERIC.has(c)) r[c] = Number(v ?? 0) || 0;
    else if (c === 'cost' || c === 'cache_saved') r[c] = null; // recomputed here
    else if (c === 'agent' || c === 'stop_reason') r[c] = v === '' || v === undefined ? null : v;
    else r[c] = v === undefined || v === null ? '' : String(v);
  }
  if (!r.key || !Number.isFinite(r.at as number)) throw new Error(`an imported response lacks a key or a valid time: ${JSON.stringify(raw).slice(0, 200)}`);
  return r as unknown as ResponseRow;
}

function csvResponses(text: string): Record<string, unknown>[] {
  const [head, ...rows] = parseCsv(text).filter((r) => r.length > 1 || r[0] !== '');
  if (!head || head[0] !== 'key') throw new Error('a CSV import must be a claude-gauge export (first column: key)');
  return rows.map((cells) => Object.fromEntries(head.map((h, i) => [h, cells[i]])));
}
