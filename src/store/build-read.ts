// The reader's half of the history's first build (build.ts), which runs in worker threads: a
// batch of transcripts read from where the history left each one, every line turned into its facts
// (extract.ts). No database here: the facts go to the one writer, in order.
import { extractChunk } from './build-lines.js';
import { folderProjectOf, type LineFacts } from './extract.js';
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
  lines: number;
  skipped: number;
  retry: boolean;
  problem: string | null;
  /** The facts of its lines in order, lines without any left out. */
  facts: LineFacts[];
}

export function readBatch(paths: readonly string[], stored: ReadonlyMap<string, StoredFile>): FileFacts[] {
  return paths.map((p) => readFile(p, stored));
}

function readFile(path: string, stored: ReadonlyMap<string, StoredFile>): FileFacts {
  const project = folderProjectOf(path);
  const facts: LineFacts[] = [];
  let skipped = 0;
  const r = readNewLines(path, {
    stored: (id) => stored.get(id),
    onBytes: (c) =>
      extractChunk(c.buf, c.lastNl, project, (f) => {
        if (!f) skipped++;
        else if (hasAny(f)) facts.push(f);
      }),
  });
  const cp = r.cp;
  return {
    path,
    id: r.id,
    forget: !r.row || r.restarted,
    offset: cp?.offset ?? 0,
    head: cp?.head ?? null,
    headLen: cp?.headLen ?? 0,
    lines: r.lines,
    skipped: skipped + r.overlong,
    retry: r.retry,
    problem: r.problem,
    facts,
  };
}

/** Whether applying `f` would write anything (most lines of a transcript carry nothing kept). */
function hasAny(f: LineFacts): boolean {
  return f.cwd !== undefined || f.responses.length + f.blocks.length + f.tools.length + f.toolResults.length + f.texts.length + f.interrupts.length > 0;
}
