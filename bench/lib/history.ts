// Makes generated history look like a real machine's: each transcript's mtime is its last write,
// and the newest activity is a chain of sessions reaching back across several files, the case
// where a daemon that only read the newest file would get the current 5-hour block wrong.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { MODELS, newSession, Prng, projectFolder, turnLines } from '../../src/generate/index.js';

const HOUR = 3_600_000;

/** Sets every .jsonl file's mtime to the timestamp of its last record. */
export async function touchToLastRecord(dir: string): Promise<number> {
  let n = 0;
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith('.jsonl')) {
        const t = await lastTimestamp(p);
        if (t) {
          await fs.utimes(p, t, t);
          n++;
        }
      }
    }
  };
  await walk(dir);
  return n;
}

async function lastTimestamp(file: string): Promise<Date | null> {
  const fh = await fs.open(file, 'r');
  try {
    const { size } = await fh.stat();
    const len = Math.min(size, 256 * 1024);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, size - len);
    const all = [...buf.toString('utf8').matchAll(/"timestamp":"([^"]+)"/g)];
    const ms = all.map((m) => Date.parse(m[1])).filter(Number.isFinite);
    return ms.length ? new Date(Math.max(...ms)) : null;
  } finally {
    await fh.close();
  }
}

/**
 * Writes an activity chain ending now: `files` sessions, each starting under 5 h after the
 * previous one, the first at the top of the hour 12 h ago. Blocks roll in 5-hour steps from the
 * chain's start, so the current block (start = 10 h after it) is active now and its start can only
 * be found by reading every session back to the first.
 */
export async function writeCurrentChain(dir: string, files = 4, seed = 99, replace = false): Promise<void> {
  const rng = new Prng(seed);
  const cwd = '/home/bench/current-work';
  const proj = path.join(dir, 'projects', projectFolder(cwd));
  if (replace) await fs.rm(proj, { recursive: true, force: true });
  await fs.mkdir(proj, { recursive: true });
  const now = Date.now();
  const first = Math.floor(now / HOUR) * HOUR - 12 * HOUR;
  const starts = Array.from({ length: files }, (_, i) => (i === files - 1 ? now - 30 * 60_000 : first + 60_000 + i * 4 * HOUR));
  for (const start of starts) {
    const ctx = newSession(rng, { cwd, model: MODELS.opus });
    let at = start;
    const end = Math.min(now, start + 30 * 60_000);
    const lines: string[] = [];
    const subs = new Map<string, string[]>();
    for (let turn = 0; turn < 6 && at < end; turn++) {
      for (const l of turnLines(rng, ctx, new Date(at))) {
        if (l.at.getTime() > end) break;
        (l.sub ? subs.get(l.sub) ?? subs.set(l.sub, []).get(l.sub)! : lines).push(l.line);
        at = l.at.getTime();
      }
      at += 60_000;
    }
    await fs.writeFile(path.join(proj, `${ctx.sessionId}.jsonl`), lines.join('\n') + '\n');
    for (const [sub, ls] of subs) {
      await fs.mkdir(path.join(proj, ctx.sessionId, 'subagents'), { recursive: true });
      await fs.writeFile(path.join(proj, ctx.sessionId, 'subagents', `${sub}.jsonl`), ls.join('\n') + '\n');
    }
  }
  if (replace) await touchToLastRecord(proj); // as on a real machine: mtime = last write
}
