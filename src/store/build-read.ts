// The reader's half of the history's first build (build.ts), which runs in worker threads: a
// batch of transcripts read from where the history left each one, every line turned into its facts
// (extract.ts). No database here: the facts go to the one writer, in order.
import type { LineChunk } from '../sources/files/lines.js';
import { COMPACTED, lineFinder, PLAIN_LINE, type LineFinder } from '../sources/transcripts/usage-lines.js';
import { extractBytes, extractChunk } from './build-lines.js';
import { extractUsageLine, folderProjectOf, type LineFacts } from './extract.js';
import { readNewLines, type StoredFile } from './read-lines.js';

/** One transcript's new facts, and where its row in the files table goes. */
export interface FileFacts {
  path: string;
  /** device:inode; '' when the file was not opened (gone, or out of file descriptors). */
  id: string;
  /** Its old rows go first: a file not seen before, or one read again from its start. */
  forget: boolean;
  offset: number;
  head: string | null;
  headLen: number;
  /** Its size and modification time when opened (read-lines.ts FileSeen); -1 when not opened. */
  seenSize: number;
  seenMtimeMs: number;
  lines: number;
  skipped: number;
  retry: boolean;
  problem: string | null;
  /**
   * The facts of its lines in order, lines without any left out, each without its empty lists
   * and without a project's working directory the batch stated before (only a project's first
   * one is kept, writer.ts): the facts cross to the writer's thread by copy, and the copy costs
   * by the object.
   */
  facts: Partial<LineFacts>[];
}

/**
 * @param usageOnly a report's read (build.ts usageOnly): the facts of responses alone, and each
 * project's working directory (--project names a project by it). Lines are read whole until the
 * batch has its project's directory, as the full read would state it first, and then only the
 * lines with a usage mark. Skipped-line counts then leave out malformed lines without a mark.
 */
export function readBatch(paths: readonly string[], stored: ReadonlyMap<string, StoredFile>, usageOnly = false): FileFacts[] {
  if (usageOnly) finder ??= lineFinder();
  const projects = new Set<string>();
  return paths.map((p) => readFile(p, stored, projects, usageOnly));
}

function readFile(path: string, stored: ReadonlyMap<string, StoredFile>, projects: Set<string>, usageOnly: boolean): FileFacts {
  const project = folderProjectOf(path);
  const facts: Partial<LineFacts>[] = [];
  let skipped = 0;
  // A file outside projects/ has a project per working directory: every line may state one.
  const marksOnly = usageOnly ? () => project !== '' && projects.has(project) : undefined;
  const lists = usageOnly ? RESPONSES : LISTS;
  const each = (f: LineFacts | null) => {
    if (!f) skipped++;
    else {
      const sent = compact(f, projects, lists);
      if (sent) facts.push(sent);
    }
  };
  const found = usageOnly ? finder : undefined;
  const r = readNewLines(path, {
    stored: (id) => stored.get(id),
    area: found && ((bytes) => found.area(bytes)),
    // A chunk that starts with its project's directory known needs its usage lines alone: the
    // bulk scan's finder hands them out, the plain ones compacted (their content never decoded).
    onBytes: (c) => (found && marksOnly!() ? usageChunk(found, c, project, each) : extractChunk(c.buf, c.lastNl, project, each, marksOnly)),
  });
  const cp = r.cp;
  return {
    path,
    id: r.id,
    forget: !r.row || r.restarted,
    offset: cp?.offset ?? 0,
    head: cp?.head ?? null,
    headLen: cp?.headLen ?? 0,
    seenSize: r.seen?.size ?? -1,
    seenMtimeMs: r.seen?.mtimeMs ?? -1,
    lines: r.lines,
    skipped: skipped + r.overlong,
    retry: r.retry,
    problem: r.problem,
    facts,
  };
}

/** This thread's usage-line finder (the bulk scan's), made at its first usage-only batch: its area is the read buffer. */
let finder: LineFinder | undefined;

/**
 * The responses of the usage lines in c.buf[0, lastNl], as extractBytes answers them with
 * responsesOnly (build.test.ts holds the two builds equal): a compacted line holds every member
 * a response is read from (plain-json.ts KEPT_AT_TOP) but the working directory, which the batch
 * has already or does not want; any other marked line is read whole, where it still stands.
 * Returns how many usage lines there were (a usage-only read counts no others).
 */
function usageChunk(f: LineFinder, c: LineChunk, project: string, each: (f: LineFacts | null) => void): number {
  const lines = f.find(c.lastNl);
  const n = lines.length / 4;
  for (let i = 0; i < n; i++) {
    const [start, end, cutFrom, last] = [lines[4 * i], lines[4 * i + 1], lines[4 * i + 2], lines[4 * i + 3]];
    if (cutFrom !== COMPACTED || (last & PLAIN_LINE) === 0) {
      each(extractBytes(c.buf, start, end, project, false, true));
      continue;
    }
    each(extractUsageLine(c.buf.toString('utf8', start, (last & ~PLAIN_LINE) >>> 0), project, true, true)); // plain: UTF-8, JSON
  }
  return n;
}

const LISTS = ['responses', 'blocks', 'tools', 'toolResults', 'texts', 'interrupts'] as const;
const RESPONSES = ['responses'] as const;

/** What of `f` the writer needs to see, or null when applying it would write nothing (most lines). `projects`: the directories already sent. */
function compact(f: LineFacts, projects: Set<string>, lists: readonly (typeof LISTS)[number][]): Partial<LineFacts> | null {
  const out: Partial<LineFacts> = {};
  let any = false;
  for (const k of lists) {
    if (f[k].length === 0) continue;
    (out as Record<string, unknown>)[k] = f[k];
    any = true;
  }
  if (f.cwd && !projects.has(f.cwd.project)) {
    projects.add(f.cwd.project);
    out.cwd = f.cwd;
    any = true;
  }
  return any ? out : null;
}
