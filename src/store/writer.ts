// Applies extracted facts to the database. Every write is idempotent (keys, largest-wins), so
// reading a line twice, after a crash or a resumed session's replay, changes nothing.
import type { Db } from './db.js';
import type { LineFacts, ResponseFact } from './extract.js';
import type { Pricer } from './pricing.js';
import type { TextCounters } from './text.js';

export const CHARS_PER_TOKEN = 4.38; // engine.ts: the measured thinking estimate

export interface ResponseRow {
  key: string; at: number; model: string;
  input: number; output: number; cache_create: number; cache_5m: number; cache_1h: number; cache_read: number;
  thinking: number; thinking_reported: number; visible_chars: number;
  cost: number | null; cache_saved: number | null;
  project: string; session: string; agent: string | null;
  sidechain: number; synthetic: number; speed: number; stop_reason: string | null;
}

export const RESPONSE_COLUMNS = ['key', 'at', 'model', 'input', 'output', 'cache_create', 'cache_5m', 'cache_1h', 'cache_read', 'thinking', 'thinking_reported', 'visible_chars', 'cost', 'cache_saved', 'project', 'session', 'agent', 'sidechain', 'synthetic', 'speed', 'stop_reason'] as const;

const NONE: readonly never[] = [];

type ClaudeText = TextCounters & { side: 'claude'; hash: string };

export class Writer {
  private readonly get;
  private readonly put;
  private readonly addBlock;
  private readonly addText;
  private readonly addTool;
  private readonly addResult;
  private readonly addProject;
  private readonly addInterrupt;
  private readonly moveTexts;

  /**
   * Deferred mode (the first build, build.ts): a response's row stays here, however many of its
   * blocks and copies follow, and is written once by flush(), which must run before the
   * transaction commits. Rows from the database are read through it.
   */
  private readonly pending: Map<string, ResponseRow> | null;
  /**
   * Deferred mode: the texts of the replies held in `pending`, written by flush() with their row's
   * time, project and session as they stand then. A streamed reply's next line wins with a later
   * time, and its texts followed it one UPDATE each (2 GB: 104k UPDATEs, 0.9 s of the writer's
   * thread, which paces the build).
   */
  private readonly pendingTexts: Map<string, ClaudeText[]> | null;
  /**
   * Deferred mode: the rows read from the database since the last flush, by key (their replies'
   * texts are there too). Every copy of a streamed reply looks its row up: a pass over responses
   * already stored (build-phases.ts, the details) read each one again per line, at 20-30 us a
   * read (500 MB: 1.6 s of the writer's thread, which paces the build).
   */
  private readonly stored: Map<string, ResponseRow> | null;
  /** Project folders known to be stored (their first cwd wins, so later ones need no statement). */
  private readonly projects: Set<string> | null;
  /**
   * Deferred mode from an empty history (a first build): the keys this writer has written, the
   * only responses the table can hold. A response's first line is then not looked up (at 2 GB,
   * 111k lookups that found nothing, 0.5 s of the writer's thread).
   */
  private readonly written: Set<string> | null;
  /**
   * Deferred mode with `preload` (a read of every file from its start over the responses stored,
   * as the details' pass of build-phases.ts): every row, read at once and kept as flush() writes
   * them, so no response is looked up. Looked up one at a time, each cost 20-30 us with its 21
   * columns made into an object (500 MB: 27.7k, 0.6 s of the writer's thread, which paces the
   * build); read together, about 10.
   */
  private readonly preloaded: Map<string, ResponseRow> | null;

  constructor(readonly db: Db, readonly pricer: Pricer, o: { deferred?: boolean; fresh?: boolean; preload?: boolean } = {}) {
    this.pending = o.deferred ? new Map() : null;
    this.written = o.deferred && o.fresh ? new Set() : null;
    this.pendingTexts = o.deferred ? new Map() : null;
    this.stored = o.deferred ? new Map() : null;
    this.projects = o.deferred ? new Set() : null;
    this.get = db.prepare('SELECT * FROM responses WHERE key = ?');
    const cols = RESPONSE_COLUMNS.join(', ');
    this.preloaded = o.deferred && o.preload ? allRows(db, cols) : null;
    // Values by position (put, addText): binding 21 by name cost 5 us a row against 3 by position.
    this.put = db.prepare(`INSERT OR REPLACE INTO responses (${cols}) VALUES (${RESPONSE_COLUMNS.map(() => '?').join(', ')})`);
    this.addBlock = db.prepare('INSERT OR IGNORE INTO blocks (hash, response) VALUES (?, ?)');
    // A replayed prompt (a resumed session copies earlier lines) is credited to the smallest session,
    // then the earliest time, so the result never depends on read order. A reply's text follows
    // its response's winning copy instead (moveTexts).
    this.addText = db.prepare("INSERT INTO texts (hash, side, at, project, session, chars, em_dashes, emoji, correction, thanks, phrases) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(hash) DO UPDATE SET at = excluded.at, project = excluded.project, session = excluded.session WHERE texts.side = 'user' AND (excluded.session < texts.session OR (excluded.session = texts.session AND (excluded.at < texts.at OR (excluded.at = texts.at AND excluded.project < texts.project))))");
    this.moveTexts = db.prepare('UPDATE texts SET at = ?, project = ?, session = ? WHERE hash IN (SELECT hash FROM blocks WHERE response = ?)');
    // A row from before migration 3 gets its details when its transcript is read again.
    this.addTool = db.prepare('INSERT INTO tool_uses (id, response, name, at, project, executable, file, ext) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET executable = coalesce(tool_uses.executable, excluded.executable), file = coalesce(tool_uses.file, excluded.file), ext = coalesce(tool_uses.ext, excluded.ext)');
    // As a prompt: a replay is credited to the smallest session, then the earliest time (order-free).
    this.addInterrupt = db.prepare('INSERT INTO interrupts (hash, at, project, session, kind) VALUES (@hash, @at, @project, @session, @kind) ON CONFLICT(hash) DO UPDATE SET at = excluded.at, project = excluded.project, session = excluded.session WHERE excluded.session < interrupts.session OR (excluded.session = interrupts.session AND excluded.at < interrupts.at)');
    this.addProject = db.prepare('INSERT OR IGNORE INTO projects (folder, cwd) VALUES (?, ?)');
    this.addResult = db.prepare('INSERT INTO tool_results (id, is_error, denial) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET is_error = max(is_error, excluded.is_error), denial = coalesce(tool_results.denial, excluded.denial)');
  }

  /** A list left out is empty (build-read.ts sends facts so). */
  apply(f: Partial<LineFacts>): void {
    if (f.cwd && !this.projects?.has(f.cwd.project)) {
      this.addProject.run(f.cwd.project, f.cwd.cwd);
      this.projects?.add(f.cwd.project);
    }
    for (const r of f.responses ?? NONE) this.response(r);
    for (const b of f.blocks ?? NONE) {
      if (this.addBlock.run(b.hash, b.response).changes === 0) continue; // counted before
      const row = this.row(b.response);
      if (row) {
        row.visible_chars += b.visible;
        this.save(row);
        if (b.text) this.replyText(row, { ...b.text, hash: b.hash });
      }
    }
    for (const t of f.texts ?? NONE) this.text(t);
    for (const t of f.tools ?? NONE) this.addTool.run(t.id, t.response, t.name, t.at, t.project, t.executable, t.file, t.ext);
    for (const r of f.toolResults ?? NONE) this.addResult.run(r.id, r.isError ? 1 : 0, r.denial);
    for (const i of f.interrupts ?? NONE) this.addInterrupt.run(i);
  }

  private replyText(row: ResponseRow, t: ClaudeText): void {
    const held = this.pendingTexts;
    if (!held) return this.text({ ...t, at: row.at, project: row.project, session: row.session });
    const list = held.get(row.key);
    if (list) list.push(t);
    else held.set(row.key, [t]);
  }

  private text(t: { hash: string; side: string; at: number; project: string; session: string; chars: number; emDashes: number; emoji: number; correction: boolean; thanks: boolean; phrases: string[] }): void {
    this.addText.run(t.hash, t.side, t.at, t.project, t.session, t.chars, t.emDashes, t.emoji, t.correction ? 1 : 0, t.thanks ? 1 : 0, t.phrases.join('\n'));
  }

  private response(f: ResponseFact): void {
    const e = f.ev;
    const cur = this.row(e.key);
    const candidate: ResponseRow = {
      key: e.key, at: e.at, model: e.model,
      input: e.tokens.input, output: e.tokens.output, cache_create: e.tokens.cacheCreation, cache_5m: f.cache5m, cache_1h: f.cache1h, cache_read: e.tokens.cacheRead,
      thinking: 0, thinking_reported: 0, visible_chars: cur?.visible_chars ?? 0, cost: null, cache_saved: null,
      project: f.project, session: f.session, agent: f.agent,
      sidechain: e.sidechain ? 1 : 0, synthetic: e.synthetic ? 1 : 0, speed: e.speed ? 1 : 0, stop_reason: f.stopReason ?? cur?.stop_reason ?? null,
    };
    const reported = Math.max(e.thinkingReported ?? -1, cur?.thinking_reported ? cur.thinking : -1);
    if (!cur || beatsRow(candidate, cur)) {
      if (reported >= 0) [candidate.thinking, candidate.thinking_reported] = [reported, 1];
      this.save(candidate);
      // Texts still held follow the row when flushed; only those already written need moving.
      const written = !this.pending || this.stored!.has(candidate.key);
      if (written && cur && (cur.session !== candidate.session || cur.project !== candidate.project || cur.at !== candidate.at)) this.moveTexts.run(candidate.at, candidate.project, candidate.session, candidate.key);
      return;
    }
    let changed = false;
    if (f.stopReason && cur.stop_reason !== f.stopReason && cur.stop_reason === null) [cur.stop_reason, changed] = [f.stopReason, true];
    if (reported >= 0 && (cur.thinking_reported === 0 || reported > cur.thinking)) [cur.thinking, cur.thinking_reported, changed] = [reported, 1, true];
    if (changed) this.save(cur);
  }

  private row(key: string): ResponseRow | undefined {
    const held = this.pending?.get(key) ?? this.stored?.get(key);
    if (held) return held;
    if (this.written && !this.written.has(key)) return undefined;
    const row = this.preloaded ? this.preloaded.get(key) : (this.get.get(key) as ResponseRow | undefined);
    if (row) this.stored?.set(key, row);
    return row;
  }

  /** Writes a row with its derived fields (thinking estimate, cost) recomputed. */
  save(row: ResponseRow): void {
    if (!row.thinking_reported) row.thinking = Math.max(0, Math.round(row.output - row.visible_chars / CHARS_PER_TOKEN));
    if (this.pending) this.pending.set(row.key, row);
    else this.write(row);
  }

  /** Deferred mode: writes the rows held (call it inside the transaction, before it commits). */
  flush(): void {
    if (!this.pending) return;
    for (const row of this.pending.values()) {
      this.write(row);
      this.written?.add(row.key);
      this.preloaded?.set(row.key, row);
      for (const t of this.pendingTexts!.get(row.key) ?? NONE) this.text({ ...t, at: row.at, project: row.project, session: row.session });
    }
    this.pending.clear();
    this.pendingTexts!.clear();
    this.stored!.clear();
  }

  private write(row: ResponseRow): void {
    const p = this.pricer.price({ model: row.model, at: row.at, input: row.input, output: row.output, cache5m: row.cache_5m, cache1h: row.cache_1h, cacheRead: row.cache_read, synthetic: row.synthetic === 1 });
    row.cost = p.cost;
    row.cache_saved = p.saved;
    this.put.run(RESPONSE_COLUMNS.map((c) => row[c]));
  }
}

/**
 * Every stored response by key, read as arrays and made into rows here: better-sqlite3's objects
 * cost twice the time, and rows filled column by column fall into V8's slow dictionary form
 * (1,170 bytes a row against 505). The repeated strings (model, project, session) are kept once:
 * at 2 GB, 110k rows in some 40 MB.
 */
function allRows(db: Db, cols: string): Map<string, ResponseRow> {
  const rows = new Map<string, ResponseRow>();
  const seen = new Map<string, string>();
  const once = (s: string) => {
    const kept = seen.get(s);
    if (kept !== undefined) return kept;
    seen.set(s, s);
    return s;
  };
  for (const v of db.prepare(`SELECT ${cols} FROM responses`).raw().iterate() as IterableIterator<any[]>) {
    // RESPONSE_COLUMNS' order (writer.test.ts holds them equal to the table's rows).
    const row: ResponseRow = {
      key: v[0], at: v[1], model: once(v[2]), input: v[3], output: v[4], cache_create: v[5], cache_5m: v[6], cache_1h: v[7], cache_read: v[8],
      thinking: v[9], thinking_reported: v[10], visible_chars: v[11], cost: v[12], cache_saved: v[13],
      project: once(v[14]), session: once(v[15]), agent: v[16], sidechain: v[17], synthetic: v[18], speed: v[19], stop_reason: v[20],
    };
    rows.set(row.key, row);
  }
  return rows;
}

/**
 * Which copy of a response counts (engine.ts `beats`, made total so the result never depends on
 * the order files are read): the main thread's copy over a subagent's, then the most tokens,
 * then fast mode, then the earliest line, then the smallest session id (a replayed copy ties on the rest).
 */
export function beatsRow(a: ResponseRow, b: ResponseRow): boolean {
  if (a.sidechain !== b.sidechain) return a.sidechain < b.sidechain;
  const ta = a.input + a.output + a.cache_create + a.cache_read;
  const tb = b.input + b.output + b.cache_create + b.cache_read;
  if (ta !== tb) return ta > tb;
  if (a.speed !== b.speed) return a.speed > b.speed;
  if (a.at !== b.at) return a.at < b.at;
  // A resumed session replays a response with its timestamp into a new session's file: the copies
  // tie on everything above, and without this the session credited depended on which file was read first.
  return a.session !== b.session ? a.session < b.session : a.project !== b.project ? a.project < b.project : (a.agent ?? '') < (b.agent ?? '');
}
