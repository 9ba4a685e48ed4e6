// The tree watcher (@parcel/watcher): one recursive subscription per root, the projects folders
// and any symlinked folder in them. It batches and never drops a change it sees (a folder just
// made it sees only once it watches it: onEvents reads such a folder whole), but walks the whole
// tree before it reports anything, so it is set up only once start-up has settled; until then (or
// if it cannot be set up) direct watches, polling and the rescan cover the files.
import { lstatSync, readdirSync, type Dirent } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setImmediate } from 'node:timers/promises';
import type { AsyncSubscription, Event as WatchEvent } from '@parcel/watcher';
import type { TranscriptSourceOptions } from '../options.js';
import type { SourceState } from '../state.js';
import { errorText } from '../../../util/errno.js';

const importWatcher = () => import('@parcel/watcher');
let watcher: ReturnType<typeof importWatcher> | undefined;

/**
 * @parcel/watcher, its dependencies loaded one per turn of the event loop (resolved from its own
 * folder, so its require finds them loaded): in one go its load (glob matching, libc detection and
 * the libc check's file reads, the native part) held the daemon's thread 30-50 ms, the largest
 * pause of /usage while the first history build starts. A dependency that fails to load is left
 * for the watcher's own require, which says why.
 */
function loadWatcher(): ReturnType<typeof importWatcher> {
  return (watcher ??= (async () => {
    try {
      const own = createRequire(createRequire(import.meta.url).resolve('@parcel/watcher'));
      for (const step of [() => own('picomatch'), () => own('is-glob'), () => own('detect-libc'), () => own('detect-libc').familySync()]) {
        await setImmediate();
        step();
      }
    } catch {
      // the import below fails the same way and is reported
    }
    await setImmediate();
    return importWatcher();
  })());
}

export class TreeWatcher {
  /** Set once the first subscriptions are asked for: from then on a listing's new roots are watched too. */
  private subscribing = false;
  private subscriptions = new Map<string, Promise<AsyncSubscription | null>>();
  /** lookAgain's timers, cleared on close. */
  private readonly pending = new Set<NodeJS.Timeout>();

  constructor(
    private readonly shared: SourceState,
    private readonly changed: (path: string) => void,
    private readonly options: Pick<TranscriptSourceOptions, 'log'>,
  ) {}

  /** After a listing: new projects folders and symlinked folders are watched, once watching has begun. */
  rootsListed(): void {
    if (this.subscribing) void this.watchRoots();
  }

  /** Subscribes to roots not watched yet (new projects folders and symlinked folders appear). */
  watchRoots(): Promise<unknown> {
    this.subscribing = true;
    for (const root of this.shared.roots) {
      if (this.subscriptions.has(root) || this.shared.closed) continue;
      this.subscriptions.set(
        root,
        // Loaded on first use: reports (`blocks`, `usage`) never watch and skip the native module's load.
        loadWatcher()
          // The subscription's walk of the tree holds the thread too: requests between.
          .then(async (m) => {
            await setImmediate();
            return m.default.subscribe(root, (err, events) => this.onEvents(err, events));
          })
          .then((sub) => {
            this.shared.readProblems.delete(`watch ${root}`);
            return sub;
          })
          .catch((err: Error) => {
            // Out of inotify watches or descriptors: changes are still found, by polling and the
            // rescan, only later. Said in the health; the next rescan tries again.
            const problem = `cannot watch ${root}: ${errorText(err)}; relying on polling and rescans`;
            this.options.log?.(problem);
            this.shared.readProblems.set(`watch ${root}`, problem);
            this.subscriptions.delete(root);
            return null;
          }),
      );
    }
    return Promise.all(this.subscriptions.values());
  }

  private onEvents(err: Error | null, events: WatchEvent[]): void {
    if (err) {
      this.options.log?.(`watcher: ${err.message}`);
      return;
    }
    // The native watcher batches and never drops a change it sees: one read per file per batch.
    const paths = new Set<string>();
    const made: string[] = [];
    for (const e of events) {
      if (e.type === 'delete') continue;
      if (e.path.endsWith('.jsonl')) paths.add(e.path);
      // A folder just made (a new project, a session's subagents): inotify watches it only once the
      // watcher has heard of it, so a transcript written into it before then raised no event (Claude
      // Code makes a project's folder and writes its first session at once). Its files are read now.
      else if (e.type === 'create') {
        made.push(e.path);
        for (const p of transcriptsIn(e.path)) paths.add(p);
      }
    }
    for (const p of paths) this.changed(p);
    if (made.length) this.lookAgain(made);
  }

  /**
   * Folders just made, read once more a moment later: a batch can come while the folders below are
   * still being filled, and a transcript written there before the watcher watched its folder
   * raised no event and was not there at the first read (seen once in a CI run of tree.test, under
   * load). Reading a file twice is harmless: the reader takes what is new.
   */
  private lookAgain(dirs: string[]): void {
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      if (this.shared.closed) return;
      for (const d of dirs) for (const p of transcriptsIn(d)) this.changed(p);
    }, LOOK_AGAIN_MS);
    timer.unref();
    this.pending.add(timer);
  }

  async close(): Promise<void> {
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
    const subs = [...this.subscriptions.values()];
    this.subscriptions.clear();
    await Promise.all(subs.map(async (s) => (await s)?.unsubscribe().catch(() => {})));
  }
}

/** How long after a folder is made it is read again (lookAgain). */
const LOOK_AGAIN_MS = 500;

/** Folders below a new one that are looked in: a project, its sessions, their subagents, and a level to spare. */
const NEW_FOLDER_DEPTH = 4;

/**
 * The transcripts under `dir` (none when it is not a folder, is a link, or is gone already). Its
 * real folders only: a symbolic link is the listing's to follow (once, loops caught), not this. Node 20's own
 * recursive readdir follows links, and a link to a folder above looped it until the heap ran out.
 */
export function transcriptsIn(dir: string, depth = 0): string[] {
  let entries: Dirent[];
  try {
    // A link made to a folder (readdir would follow it): the listing's to follow, by its rules.
    if (depth === 0 && lstatSync(dir).isSymbolicLink()) return [];
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return []; // a file, or gone: the events for what is there say the rest
  }
  const out: string[] = [];
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isFile() && e.name.endsWith('.jsonl')) out.push(p);
    else if (e.isDirectory() && depth < NEW_FOLDER_DEPTH) out.push(...transcriptsIn(p, depth + 1));
  }
  return out;
}
