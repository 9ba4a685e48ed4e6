// Where Claude Code keeps transcripts (FACTS.md): projects/ under every config dir,
// subagent files included, symlinked project folders followed. Whatever lies in the tree (link
// loops, dangling links, folders that list but cannot be entered, FIFOs and devices under a
// transcript's name) becomes a line in `problems`; the listing itself never throws.
import { accessSync, constants, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { fileId, inexactId } from '../files/fingerprint.js';
import { classify, irregular, skipped } from '../files/open.js';
import { errorText } from '../../util/errno.js';

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
  /** Transcripts found but not readable now (their problem line among `problems`): a reader keeps its place in them. */
  unreadable: { id: string; path: string; problem: string }[];
  /** Folders that could not be listed: a reader keeps its place in the files it knew there. */
  unlisted: string[];
}

/**
 * Lists every transcript under the projects/ folder of each config dir. Synchronous on purpose:
 * a tight loop of stat calls walks thousands of files in tens of milliseconds, where the same
 * walk through promises took ten times as long and start-up waits for it. One system call per
 * file (its stat) and a listing per folder: real folders need no stat of their own (only a
 * symbolic link can make a loop), and readability comes from the mode bits where they are clear.
 */
export function discover(configDirs: string[]): Discovery {
  return list(configDirs, false).out;
}

/**
 * A session's folder (its subagents' transcripts), left unlisted by discoverShallow. A subagent
 * runs inside its session, whose transcript records its progress and then its result: no file in
 * the folder was written after the session's own transcript, give or take `SUBAGENT_GRACE_MS`.
 */
export interface DeferredDir {
  path: string;
  real: string;
  /** Nothing in the folder was written after this (epoch ms). */
  writtenBy: number;
}

/** Said of Claude Code's subagents above, with room to spare: an hour. */
export const SUBAGENT_GRACE_MS = 60 * 60_000;

export interface ShallowDiscovery extends Discovery {
  /** Session folders not listed yet, each beside its session's transcript. */
  deferred: DeferredDir[];
  /** Lists a deferred folder now: its transcripts (also added to `files`). */
  expand(d: DeferredDir): FoundFile[];
}

/**
 * discover(), without the session folders: on a large history they hold most of the files (every
 * subagent run is one), and start-up needs only those written lately, which their session's
 * transcript says.
 */
export function discoverShallow(configDirs: string[]): ShallowDiscovery {
  const { out, walk } = list(configDirs, true);
  return {
    ...out,
    deferred: walk.deferred ?? [],
    expand: (d) => {
      const before = out.files.length;
      walkDir(d.path, d.real, walk, 2);
      return out.files.slice(before);
    },
  };
}

/**
 * discover(), in steps for a thread that answers requests meanwhile: the projects folders, then
 * each project folder, then the session folders, yielding whenever `stepMs` has passed; the same
 * files as discover() (the session folders' last, as discoverShallow lists them). At 2 GB (6,325
 * files) the listing in one go held the daemon's thread 60-70 ms, and its shallow part (the
 * project folders in one go) 25-32 ms. A worker thread would hold none of it, but cost the daemon
 * about 7 MB while the first build runs.
 */
export async function discoverInSteps(configDirs: string[], stepMs = 5): Promise<Discovery> {
  const { out, walk } = list(configDirs, true, true);
  let since = performance.now();
  const step = async () => {
    if (performance.now() - since < stepMs) return;
    await setImmediate();
    since = performance.now();
  };
  // The project folders defer their session folders as they go: all of those come after.
  for (const p of walk.projects!) {
    await step();
    walkDir(p.path, p.real, walk, 1);
  }
  for (const d of walk.deferred!) {
    await step();
    walkDir(d.path, d.real, walk, 2);
  }
  return out;
}

function list(configDirs: string[], defer: boolean, deferProjects = false): { out: Discovery; walk: Walk } {
  const out: Discovery = { projectDirs: [], linkedDirs: [], files: [], problems: [], unreadable: [], unlisted: [] };
  const walk: Walk = { out, roots: [], followed: new Set(), seenFiles: new Set(), deferred: defer ? [] : null, projects: deferProjects ? [] : null };
  for (const projects of configDirs.map((d) => path.join(d, 'projects'))) {
    const st = statOrNull(projects, out);
    if (!st) continue;
    if (!st.isDirectory()) {
      out.problems.push(`${projects} is not a directory`);
      continue;
    }
    const real = realpathOrSame(projects);
    if (walk.roots.includes(real)) continue; // two config dirs naming the same folder
    out.projectDirs.push(projects);
    walk.roots.push(real);
    walkDir(projects, real, walk, 0);
  }
  if (out.projectDirs.length === 0) {
    out.problems.push(
      `no Claude Code transcripts folder found (looked for projects/ in ${configDirs.join(', ')}); set CLAUDE_CONFIG_DIR`,
    );
  }
  return { out, walk };
}

interface Walk {
  out: Discovery;
  /** Real paths of the projects folders. */
  roots: string[];
  /** Real paths of linked folders already walked. */
  followed: Set<string>;
  /** Identities of files already listed: the same file through two links counts once. */
  seenFiles: Set<string>;
  /** Session folders left unlisted (discoverShallow), or null to list everything. */
  deferred: DeferredDir[] | null;
  /** Project folders left for later (discoverInSteps), or null to list them as they come. */
  projects: { path: string; real: string }[] | null;
}

/**
 * @param real the real path of `dir` (no links in it), to tell a link that loops back from one that leads elsewhere
 * @param depth 0 for a projects folder, 1 for a project folder (sessions' transcripts and folders), 2 and on below
 */
function walkDir(dir: string, real: string, w: Walk, depth: number): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    const why = classify(dir, err);
    if (why.problem) w.out.problems.push(why.problem);
    w.out.unlisted.push(dir);
    return;
  }
  // In a project folder the transcripts come first: a session's folder is deferred on its word.
  const written = depth === 1 && w.deferred ? new Map<string, number>() : null;
  for (const e of entries) {
    if (e.isDirectory()) continue;
    // `dir` is already normal and a name holds no separator: a plain join (path.join normalizes
    // every one of thousands of paths again).
    const full = dir + path.sep + e.name;
    const transcript = e.name.endsWith('.jsonl');
    if (e.isFile()) {
      if (transcript) {
        const f = addFile(full, statOrNull(full, w.out), w);
        if (f && written) written.set(e.name.slice(0, -'.jsonl'.length), f.mtimeMs);
      }
    } else if (e.isSymbolicLink()) {
      // stat, not lstat: symlinks are followed. A loop or a dangling link is a problem line.
      const st = statOrNull(full, w.out, true);
      if (st?.isDirectory()) followLink(full, real, w, depth + 1);
      else if (st && transcript) addFile(full, st, w);
    } else if (transcript) {
      w.out.problems.push(skipped(full, irregular(e)!).problem); // a FIFO or a device: never opened
    }
  }
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const full = dir + path.sep + e.name;
    const sessionWritten = written?.get(e.name);
    if (sessionWritten !== undefined) w.deferred!.push({ path: full, real: real + path.sep + e.name, writtenBy: sessionWritten + SUBAGENT_GRACE_MS });
    else if (depth === 0 && w.projects) w.projects.push({ path: full, real: real + path.sep + e.name });
    else walkDir(full, real + path.sep + e.name, w, depth + 1);
  }
}

function followLink(link: string, fromReal: string, w: Walk, depth: number): void {
  const target = realpathOrSame(link);
  const within = (inner: string, outer: string) => inner === outer || inner.startsWith(outer + path.sep);
  if (within(fromReal, target)) return; // a loop back to a folder being walked
  if (w.roots.some((r) => within(target, r))) return; // inside a projects folder: walked (and watched) there
  if (w.followed.has(target)) return; // reached twice
  w.followed.add(target);
  w.out.linkedDirs.push(target);
  walkDir(link, target, w, depth);
}

function addFile(full: string, st: Stats | null, w: Walk): FoundFile | null {
  if (!st) return null;
  const kind = irregular(st);
  if (kind) {
    w.out.problems.push(skipped(full, kind).problem);
    return null;
  }
  const id = fileId(st);
  if (w.seenFiles.has(id)) return null;
  w.seenFiles.add(id);
  // Listed only once readable: reported meanwhile, and read on from where it was when that is fixed.
  const denied = unreadable(full, st);
  if (denied) {
    const problem = `cannot read ${full}: ${denied}`;
    w.out.problems.push(problem);
    w.out.unreadable.push({ id, path: full, problem });
    return null;
  }
  const f = { path: full, size: st.size, mtimeMs: st.mtimeMs, id };
  w.out.files.push(f);
  return f;
}

/** Path order, as ccusage reads files: equal copies of a response then resolve the same way everywhere. */
export function byPath(a: FoundFile, b: FoundFile): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

export { fileId };

// Who this process is, for reading permissions from mode bits (POSIX only; elsewhere the system is asked).
const UID = process.getuid?.();
const GIDS = new Set([process.getegid?.(), ...(process.getgroups?.() ?? [])]);

/** Why `p` cannot be read, or null. The mode bits answer when they allow reading; otherwise the system is asked (ACLs, capabilities). */
function unreadable(p: string, st: Stats): string | null {
  if (UID === 0) return null;
  if (UID !== undefined) {
    const bits = st.uid === UID ? 0o400 : GIDS.has(st.gid) ? 0o040 : 0o004;
    if (st.mode & bits) return null;
  }
  try {
    accessSync(p, constants.R_OK);
    return null;
  } catch (err) {
    const code = errorText(err);
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

interface Stats {
  dev: number | bigint;
  ino: number | bigint;
  size: number;
  mtimeMs: number;
  mode: number;
  uid: number;
  gid: number;
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
}

/**
 * The entry's stat, or null. Any error but a file gone since it was listed is a problem line:
 * ELOOP (a link loop), ENOTDIR (a link through a file), EACCES (a folder that lists but cannot be
 * entered), and a link to nothing.
 */
function statOrNull(p: string, out: Discovery, link = false): Stats | null {
  try {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) {
      if (link) out.problems.push(`cannot follow ${p}: a link to nothing`);
      return null;
    }
    // Inode numbers above 2^53 must not collide: those few are asked again as bigints.
    if (!inexactId(st)) return st;
    const big = statSync(p, { bigint: true, throwIfNoEntry: false });
    return big ? Object.assign(Object.create(Object.getPrototypeOf(st)), st, { dev: big.dev, ino: big.ino }) : null;
  } catch (err) {
    const why = classify(p, err);
    if (why.problem) out.problems.push(why.problem);
    return null;
  }
}
