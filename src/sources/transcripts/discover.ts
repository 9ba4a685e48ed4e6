// Where Claude Code keeps transcripts (FACTS.md): projects/ under every config dir,
// subagent files included, symlinked project folders followed.
import { accessSync, constants, readdirSync, realpathSync, statSync, type BigIntStats, type Dirent } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ConfigDirs {
  /** Candidate config dirs, in order. */
  dirs: string[];
  /** 'env' when CLAUDE_CONFIG_DIR chose them (only those are used), else 'default'. */
  from: 'env' | 'default';
}

export function expandHome(p: string, home = os.homedir()): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(home, p.slice(2));
  return p;
}

export function claudeConfigDirs(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): ConfigDirs {
  const raw = env.CLAUDE_CONFIG_DIR?.trim();
  if (raw) {
    const dirs = raw.split(',').map((s) => s.trim()).filter(Boolean).map((s) => path.resolve(expandHome(s, home)));
    return { dirs: [...new Set(dirs)], from: 'env' };
  }
  const xdg = env.XDG_CONFIG_HOME?.trim() || path.join(home, '.config');
  return { dirs: [path.join(xdg, 'claude'), path.join(home, '.claude')], from: 'default' };
}

export interface FoundFile {
  path: string;
  size: number;
  mtimeMs: number;
  /** device:inode, so a renamed file is still the same file. */
  id: string;
}

export interface Discovery {
  projectDirs: string[];
  /** Real paths of symlinked folders that were followed: a watcher must watch them too. */
  linkedDirs: string[];
  files: FoundFile[];
  problems: string[];
}

/**
 * Lists every transcript under the projects/ folder of each config dir. Synchronous on purpose:
 * a tight loop of stat calls walks thousands of files in tens of milliseconds, where the same
 * walk through promises took ten times as long and start-up waits for it.
 */
export function discover(configDirs: string[]): Discovery {
  const out: Discovery = { projectDirs: [], linkedDirs: [], files: [], problems: [] };
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  for (const dir of configDirs) {
    const projects = path.join(dir, 'projects');
    const st = statOrNull(projects);
    if (!st) continue;
    if (!st.isDirectory()) {
      out.problems.push(`${projects} is not a directory`);
      continue;
    }
    out.projectDirs.push(projects);
    walk(projects, st, out, seenDirs, seenFiles);
  }
  if (out.projectDirs.length === 0) {
    out.problems.push(
      `no Claude Code transcripts folder found (looked for projects/ in ${configDirs.join(', ')}); set CLAUDE_CONFIG_DIR`,
    );
  }
  return out;
}

function walk(dir: string, dst: BigIntStats, out: Discovery, seenDirs: Set<string>, seenFiles: Set<string>): void {
  const dirId = fileId(dst);
  if (seenDirs.has(dirId)) return; // a symlink loop or the same folder reached twice
  seenDirs.add(dirId);
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    out.problems.push(`cannot read ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    return;
  }
  for (const e of entries) {
    const isTranscript = e.name.endsWith('.jsonl');
    if (!(e.isDirectory() || e.isSymbolicLink() || (e.isFile() && isTranscript))) continue;
    const full = path.join(dir, e.name);
    const st = statOrNull(full); // stat, not lstat: symlinks are followed
    if (!st) continue;
    if (st.isDirectory()) {
      if (e.isSymbolicLink() && !seenDirs.has(fileId(st))) out.linkedDirs.push(realpathOrSame(full));
      walk(full, st, out, seenDirs, seenFiles);
    }
    else if (st.isFile() && isTranscript) {
      const id = fileId(st);
      if (seenFiles.has(id)) continue; // the same file through two links counts once
      seenFiles.add(id);
      // Listed only once readable: reported meanwhile, and read from its start when that is fixed.
      const denied = unreadable(full);
      if (denied) {
        out.problems.push(`cannot read ${full}: ${denied}`);
        continue;
      }
      out.files.push({ path: full, size: Number(st.size), mtimeMs: Number(st.mtimeMs), id });
    }
  }
}

export function fileId(st: { dev: number | bigint; ino: number | bigint }): string {
  return `${st.dev}:${st.ino}`;
}

function unreadable(p: string): string | null {
  try {
    accessSync(p, constants.R_OK);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    return code === 'ENOENT' ? null : code; // deleted since listed: not a problem
  }
}

function realpathOrSame(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

function statOrNull(p: string): BigIntStats | null {
  // bigint: inode numbers above 2^53 exist (btrfs, NTFS file ids) and must not collide.
  return statSync(p, { bigint: true, throwIfNoEntry: false }) ?? null;
}
