// Each project folder's working directory as the history's projects table keeps it: the first
// one its transcripts state, files in the order given and lines in order (build-read.ts sends a
// project's first, writer.ts keeps the first). A report read from the transcripts names projects
// by it (--project) after reading a file's first lines, not every line of every file.
import { extractChunk } from './build-lines.js';
import { folderProjectOf } from './extract.js';
import { readNewLines } from './read-lines.js';

/** The directory of each of `folders` that states one, read as a usage-only build reads a file until it has its project's. */
export function firstDirectories(paths: readonly string[], folders: ReadonlySet<string>): Map<string, string> {
  const dirs = new Map<string, string>();
  for (const p of paths) {
    const folder = folderProjectOf(p);
    if (!folders.has(folder) || dirs.has(folder)) continue;
    readNewLines(p, {
      stored: () => undefined,
      onBytes: (c) =>
        extractChunk(c.buf, c.lastNl, folder, (f) => void (f?.cwd && !dirs.has(folder) && dirs.set(folder, f.cwd.cwd)), () => false),
      enough: () => dirs.has(folder),
    });
  }
  return dirs;
}
