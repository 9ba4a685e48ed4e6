// The embedded default source: Claude Code's JSONL transcripts, read recent-first,
// then followed live (a native file watcher, hot-file polling and a slow rescan as safety nets).
// Nothing found on disk stops it: every error on an entry is a line in `problems`, a file that
// cannot be opened for want of file descriptors is retried (its place kept), and FIFOs and devices
// are never read (src/sources/files).
import { promises as fs, watch, type FSWatcher } from 'node:fs';
import type { AsyncSubscription, Event as WatchEvent } from '@parcel/watcher';
import type { ResponseEvent, TurnEvent } from '../../core/events.js';
import type { SourceHealth } from '../../core/snapshot.js';
import path from 'node:path';
import { newCheckpoint } from '../files/checkpoint.js';
import { fileId } from '../files/fingerprint.js';
import { classify, irregular, losesRecords, skipped, type Unread } from '../files/open.js';
import { byPath, discover, discoverShallow, type DeferredDir, type Discovery, type FoundFile } from './discover.js';
import { addStats, eventsFromLines, type LineStats } from './lines.js';
import type { SummarizeOlderHistory } from './older.js';
import { discoverOffThread } from './offthread.js';
import { ScanPool, scanAll, scanParallel } from './parallel.js';
import { scanToFollow, UsageReader } from './scan.js';
import { MAX_LINE_BYTES } from '../files/lines.js';
import { readNew, type TailState } from './tail.js';
import { settled } from '../../util/settle.js';

export interface TranscriptSourceOptions {
  configDirs: string[];
  emit: (e: ResponseEvent | TurnEvent) => void;
  /** Called after each batch of events, so outputs refresh once per batch, not per line. */
  onBatch?: () => void;
  /**
   * Records older than this (epoch ms) cannot change the live gauges: start-up reads newer
   * files first and leaves the rest to the background. The engine supplies it.
   */
  horizon?: () => number | null;
  /**
   * Start-up reads files last written before this (epoch ms) for their usage lines alone: they
   * hold nothing else the gauges need. The engine supplies it (Engine.usageOnlyBefore).
   */
  usageOnlyBefore?: () => number;
  /** ... and the other files for their usage alone up to the first response at or after this (Engine.liveSince). */
  liveSince?: () => number;
  onProgress?: (done: number, total: number) => void;
  /**
   * Given, the history before the horizon is summarized by `summarize` (the daemon: in a child
   * process) and handed over as its largest finished block, instead of every response being
   * emitted (the live daemon's way).
   */
  olderHistory?: { summarize: SummarizeOlderHistory; take: (maxFinishedBlock: number) => void };
  /** A file grew while being followed live (for other consumers of the same files: the history store). */
  onFileGrew?: (path: string) => void;
  /** Safety-net rescan period; 0 disables. */
  rescanMs?: number;
  /**
   * Files that grew recently are also polled at this period, so a missed watcher event
   * (network and container mounts, WSL, a busy inotify queue) costs a second, not a rescan. 0 disables.
   */
  hotPollMs?: number;
  log?: (msg: string) => void;
}

const NOTHING_UNLISTED = { dirs: new Set<string>(), before: -Infinity };

/** Whether `file` lies in one of `dirs` (a session folder: the file is a few levels down). */
function inside(file: string, dirs: Set<string>): boolean {
  if (dirs.size === 0) return false;
  for (let end = file.lastIndexOf(path.sep), up = 0; end > 0 && up < 4; end = file.lastIndexOf(path.sep, end - 1), up++) {
    if (dirs.has(file.slice(0, end))) return true;
  }
  return false;
}

interface Item {
  /** A file's last write, or the newest a deferred folder can hold. */
  at: number;
  file?: FoundFile;
  dir?: DeferredDir;
}

const fileItem = (file: FoundFile): Item => ({ at: file.mtimeMs, file });
const dirItem = (dir: DeferredDir): Item => ({ at: dir.writtenBy, dir });

/** Items newest first; a folder's files join where they belong once it is listed. */
class NewestFirst {
  private items: Item[];
  private next = 0;

  constructor(items: Item[]) {
    this.items = items.sort((a, b) => b.at - a.at);
  }

  first(): Item | undefined {
    return this.items[this.next];
  }

  take(): void {
    this.next++;
  }

  add(item: Item): void {
    let lo = this.next;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.items[mid].at >= item.at) lo = mid + 1;
      else hi = mid;
    }
    this.items.splice(lo, 0, item);
  }

  rest(): Item[] {
    return this.items.slice(this.next);
  }
}

/** From this many files on, a rescan lists the folders on another thread. */
const OFF_THREAD_FILES = 2000;

const HOT_FOR_MS = 10 * 60_000;
const HOT_MAX = 64;
/**
 * Files written most recently also get a direct watch of their own (fs.watch: inotify on the file).
 * The tree watcher batches its events for about 50 ms; a direct watch hears a write at once,
 * so the tach follows the session being worked in with the least delay. A handful is enough.
 */
const DIRECT_MAX = 8;

interface Tracked {
  state: TailState;
  /** When this file last grew (epoch ms), for hot polling. */
  grewAt: number;
  busy: Promise<void> | null;
  again: boolean;
  /** The last read failed: the next rescan tries again even if the size did not change. */
  failed: boolean;
  /** A read put off for want of file descriptors, and how long it waits next time. */
  retry: NodeJS.Timeout | null;
  retryMs: number;
  /** The path a problem line was last listed under for this file (it may have moved since). */
  problemAt: string | null;
  /** No longer at its path (deleted, or moved away unseen): left to the watcher and the rescan, not polled. */
  lost: boolean;
}

const newTracked = (state: TailState, grewAt: number): Tracked => ({ state, grewAt, busy: null, again: false, failed: false, retry: null, retryMs: RETRY_FIRST_MS, problemAt: null, lost: false });

/** Out of file descriptors: the read is tried again after this, doubling up to RETRY_MAX_MS. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5000;

/** Bytes of a file already taken in: lines read, and an unfinished last line searched. */
const readTo = (t: Tracked) => Math.max(t.state.offset, t.state.scanned);

export class TranscriptSource {
  private files = new Map<string, Tracked>(); // by identity (device:inode)
  private stats: LineStats = { records: 0, skipped: 0 };
  /** What the last listing found wrong. */
  private problems: string[] = [];
  /** The last listing's line for each file it found unreadable, by identity and by path: a read since takes it back. */
  private unreadableAt = new Map<string, string>();
  /** What reading found wrong since, by path (cleared by a good read, or by the file going away). */
  private readProblems = new Map<string, string>();
  /** What stays true until a restart (the older history could not be read). */
  private lasting: string[] = [];
  private projectDirs: string[] = [];
  /** What the watcher watches: the projects folders and the targets of symlinked folders. */
  private roots: string[] = [];
  /** Following changes (direct watches, polling, the rescan); the tree watcher joins once `subscribing`. */
  private watching = false;
  private subscribing = false;
  /** One recursive subscription per root: the projects folders and any symlinked folder in them. */
  private subscriptions = new Map<string, Promise<AsyncSubscription | null>>();
  private rescanTimer: NodeJS.Timeout | null = null;
  private hotTimer: NodeJS.Timeout | null = null;
  /** Direct watches of the hottest files, by identity. */
  private direct = new Map<string, { path: string; watcher: FSWatcher }>();
  private backfill = { done: true, files_done: 0, files_total: 0 };
  private closed = false;
  private backfillTask: Promise<void> = Promise.resolve();
  /** Files in the last listing. */
  private listed = 0;
  /** Session folders start-up did not list, and the horizon then: the first rescan takes them in. */
  private unlisted: { dirs: Set<string>; before: number } = NOTHING_UNLISTED;
  /** Files listed at start-up and left to the background read, until it is done. */
  private pending = new Set<string>();
  /** Resolves once start() has read the newest files. */
  private started!: () => void;
  private readonly startedUp = new Promise<void>((resolve) => (this.started = resolve));

  constructor(private readonly o: TranscriptSourceOptions) {}

  /** Reads every file to its end: for one-shot reports. `turns: false` skips prompt records (blocks need none). */
  async loadAll(turns = true): Promise<void> {
    // Usage only (blocks): scanned on every core, copies folded in the workers (which boot
    // while the files are listed) and then here, in path order.
    const pool = turns ? null : new ScanPool();
    // Path order, as ccusage reads them: equal copies of a response then resolve the same way.
    let found: FoundFile[];
    try {
      found = this.discover().sort(byPath);
    } catch (err) {
      await pool?.close();
      throw err;
    }
    if (pool) {
      // Folded into the engine batch by batch, while the workers read on.
      await scanParallel(
        found,
        (r) => {
          addStats(this.stats, r.stats);
          this.tookProblems(r.problems);
          for (const e of r.responses) this.o.emit(e);
        },
        { pool },
      );
      for (const f of found) this.track(f);
      return;
    }
    for (const f of found) await this.readFile(f.path, f.id, { takeUnterminated: true }, f.mtimeMs);
  }

  /**
   * Live start: resolves once the gauges are right (newest files read, back to the horizon);
   * older files follow in the background, and changes are followed from the start. Files last
   * written before the engine's `usageOnlyBefore` are read for their usage lines alone.
   */
  async start(): Promise<void> {
    this.startWatching();
    const listing = discoverShallow(this.o.configDirs);
    this.took(listing);
    // Newest first; a session's folder goes by its session's last write (nothing in it is newer)
    // and is listed only when the reading gets there.
    const queue = new NewestFirst([...listing.files.map(fileItem), ...listing.deferred.map(dirItem)]);
    const read: FoundFile[] = [];
    const reader = new UsageReader();
    for (let next = queue.first(); next; next = queue.first()) {
      const horizon = this.o.horizon?.() ?? null;
      // The rest was last written before the horizon: it holds only records before it (mtime >= every timestamp inside).
      if (horizon !== null && next.at < horizon) break;
      queue.take();
      if (next.dir) {
        for (const f of listing.expand(next.dir)) queue.add(fileItem(f));
        continue;
      }
      const f = next.file!;
      read.push(f);
      if (f.mtimeMs < (this.o.usageOnlyBefore?.() ?? -Infinity) && this.scanUsage(f, { reader })) continue;
      // A file the lamps may need: its usage alone up to its first recent response, the rest in full.
      if (this.o.liveSince) this.scanUsage(f, { reader, until: this.o.liveSince() });
      await this.readFile(f.path, f.id, {}, f.mtimeMs);
    }
    this.o.onBatch?.();
    // The files of the session being worked in right now get their direct watch from the start.
    const since = Date.now() - HOT_FOR_MS;
    for (const f of read.slice(0, DIRECT_MAX)) if (f.mtimeMs >= since) this.watchFile(f.id, f.path);
    const rest = queue.rest();
    const files = rest.flatMap((r) => (r.file ? [r.file] : []));
    this.unlisted = { dirs: new Set(rest.flatMap((r) => (r.dir ? [r.dir.path] : []))), before: this.o.horizon?.() ?? Infinity };
    this.backfill = { done: rest.length === 0, files_done: 0, files_total: files.length };
    // The older files are left to a history child started once start-up has settled.
    this.pending = new Set(files.map((f) => f.id));
    this.backfillTask = settled()
      .then(() => this.runBackfill(files))
      .catch((err: Error) => {
        // The history child or a scan worker died (out of memory, killed): the gauges go on without
        // the older history's ceiling, and say so; the files are followed from their ends.
        this.lasting.push(`reading the older history failed: ${err.message}`);
        this.o.log?.(`reading the older history failed: ${err.message}`);
        for (const f of files) if (!this.files.has(f.id)) this.track(f);
        this.pending.clear();
        this.backfill.done = true;
      });
    this.started();
  }

  /** Resolves when the background read of older history is finished. */
  whenBackfilled(): Promise<void> {
    return this.backfillTask;
  }

  /**
   * Older history only adds usage (the auto ceiling, the history behind reports): it is scanned
   * in worker threads, so the main thread keeps answering /usage at full speed meanwhile.
   */
  private async runBackfill(rest: FoundFile[]): Promise<void> {
    if (this.closed) return;
    const progress = (n: number) => {
      // The history child counts what it lists itself, which may have grown since.
      this.backfill.files_done = Math.min(n, this.backfill.files_total);
      this.o.onProgress?.(this.backfill.files_done, this.backfill.files_total);
    };
    const older = this.o.olderHistory;
    if (older && (rest.length > 0 || this.unlisted.dirs.size > 0)) {
      const total = (n: number) => (this.backfill.files_total = n);
      const h = await older.summarize({ configDirs: this.o.configDirs, exclude: [...this.files.keys()] }, progress, total);
      if (this.closed) return;
      addStats(this.stats, h.stats);
      this.tookProblems(h.problems);
      older.take(h.maxFinishedBlock);
    } else {
      // Here the history is fed to the engine itself, so the session folders start-up left
      // unlisted are listed now (the history child lists everything on its own).
      if (this.unlisted.dirs.size > 0) rest = discover(this.o.configDirs).files.filter((f) => !this.files.has(f.id));
      this.backfill.files_total = rest.length;
      const ordered = [...rest].sort(byPath);
      const results = await scanAll(ordered, { minBytes: 0, onProgress: progress });
      if (this.closed) return;
      let applied = 0;
      for (const r of results) {
        addStats(this.stats, r.stats);
        this.tookProblems(r.problems);
        for (const e of r.responses) {
          this.o.emit(e);
          if (++applied % 20_000 === 0) await new Promise((res) => setImmediate(res)); // let requests in
        }
      }
    }
    for (const f of rest) if (!this.files.has(f.id)) this.track(f);
    this.pending.clear();
    if (!this.o.olderHistory) this.unlisted = NOTHING_UNLISTED; // all of it is followed now
    progress(this.backfill.files_total);
    this.backfill.done = true;
    this.o.onBatch?.();
  }

  /** Reads a file for its usage lines alone (to `until`) and follows it from there; false if it was not the file listed. */
  private scanUsage(f: FoundFile, o: { reader: UsageReader; until?: number }): boolean {
    const state = scanToFollow(f.path, f.id, this.stats, this.o.emit, o);
    if (!state) return false;
    this.files.set(f.id, newTracked(state, f.mtimeMs));
    return true;
  }

  /** A file read to its end elsewhere (a scan): follow it from there. */
  private track(f: FoundFile): void {
    this.files.set(f.id, newTracked(newCheckpoint(f.id, f.path, { offset: f.size, scanned: f.size, overlong: false }), f.mtimeMs));
  }

  /** Problems a bulk scan met (files it could not read). */
  private tookProblems(problems: string[] | undefined): void {
    for (const p of problems ?? []) this.readProblems.set(p, p);
  }

  health(): SourceHealth {
    return {
      kind: 'transcripts',
      ok: this.projectDirs.length > 0 && this.lasting.length === 0 && ![...this.problems, ...this.readProblems.values()].some(losesRecords),
      problems: [...new Set([...this.problems, ...this.readProblems.values(), ...this.lasting])],
      files: this.files.size,
      records: this.stats.records,
      skipped_lines: this.stats.skipped,
      backfill: { ...this.backfill },
    };
  }

  /** Resolves once no file is being read (each read has reported what it found). */
  async idle(): Promise<void> {
    for (let busy = [...this.files.values()].filter((t) => t.busy); busy.length; busy = [...this.files.values()].filter((t) => t.busy)) {
      await Promise.allSettled(busy.map((t) => t.busy));
    }
  }

  /** Bytes of the file with this identity (device:inode) taken in so far, or null when it is not followed. */
  takenIn(id: string): number | null {
    const t = this.files.get(id);
    return t ? readTo(t) : null;
  }

  /** Paths of the files watched directly right now (the hottest few). */
  get directlyWatched(): string[] {
    return [...this.direct.values()].map((d) => d.path);
  }

  get watchedDirs(): string[] {
    return [...this.projectDirs];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    if (this.hotTimer) clearInterval(this.hotTimer);
    this.rescanTimer = this.hotTimer = null;
    for (const id of [...this.direct.keys()]) this.unwatchFile(id);
    for (const t of this.files.values()) if (t.retry) clearTimeout(t.retry);
    const subs = [...this.subscriptions.values()];
    this.subscriptions.clear();
    await Promise.all(subs.map(async (s) => (await s)?.unsubscribe().catch(() => {})));
    await Promise.allSettled([...this.files.values()].map((t) => t.busy));
  }

  private discover(): FoundFile[] {
    return this.took(discover(this.o.configDirs));
  }

  /** The files of a listing, after taking in what it says about the folders. */
  private took(d: Discovery): FoundFile[] {
    this.listed = d.files.length;
    this.problems = d.problems;
    this.unreadableAt = new Map(d.unreadable.flatMap((u) => [[u.id, u.problem], [u.path, u.problem]]));
    this.projectDirs = d.projectDirs;
    this.roots = [...d.projectDirs, ...d.linkedDirs];
    if (this.subscribing) void this.watchRoots();
    return d.files;
  }

  /** Subscribes to roots not watched yet (new projects folders and symlinked folders appear). */
  private watchRoots(): Promise<unknown> {
    this.subscribing = true;
    for (const root of this.roots) {
      if (this.subscriptions.has(root) || this.closed) continue;
      this.subscriptions.set(
        root,
        // Loaded on first use: reports (`blocks`, `usage`) never watch and skip the native module's load.
        import('@parcel/watcher')
          .then((m) => m.default.subscribe(root, (err, events) => this.onEvents(err, events)))
          .then((sub) => {
            this.readProblems.delete(`watch ${root}`);
            return sub;
          })
          .catch((err: Error) => {
            // Out of inotify watches or descriptors: changes are still found, by polling and the
            // rescan, only later. Said in the health; the next rescan tries again.
            const problem = `cannot watch ${root}: ${(err as NodeJS.ErrnoException).code ?? err.message}; relying on polling and rescans`;
            this.o.log?.(problem);
            this.readProblems.set(`watch ${root}`, problem);
            this.subscriptions.delete(root);
            return null;
          }),
      );
    }
    return Promise.all(this.subscriptions.values());
  }

  private onEvents(err: Error | null, events: WatchEvent[]): void {
    if (err) {
      this.o.log?.(`watcher: ${err.message}`);
      return;
    }
    // The native watcher batches and never drops a change: one read per file per batch.
    const paths = new Set<string>();
    for (const e of events) if (e.type !== 'delete' && e.path.endsWith('.jsonl')) paths.add(e.path);
    for (const p of paths) void this.readPath(p);
  }

  /**
   * The tree watcher walks the whole tree before it reports anything (on a large history about
   * as long as the listing itself): it is set up just after start-up, not on the way to the
   * first reading. Meanwhile the files being written are covered by their direct watch and by
   * polling; once it is in place, one rescan catches whatever else changed in between.
   */
  private startWatching(): void {
    if (this.closed) return;
    this.watching = true;
    // Changes between the listing and the watcher being in place reached neither.
    void this.startedUp.then(settled).then(() => this.watchRoots()).then(() => this.rescan());
    const every = this.o.rescanMs ?? 120_000;
    if (every > 0) {
      this.rescanTimer = setInterval(() => void this.rescan(), every);
      this.rescanTimer.unref();
    }
    const hot = this.o.hotPollMs ?? 1000;
    if (hot > 0) {
      this.hotTimer = setInterval(() => void this.pollHot(), hot);
      this.hotTimer.unref();
    }
  }

  /** Watches this file directly (it just grew); the coldest direct watch makes room. */
  private watchFile(id: string, p: string): void {
    if (!this.watching || this.closed) return;
    const have = this.direct.get(id);
    if (have?.path === p) return;
    if (have) this.unwatchFile(id);
    if (this.direct.size >= DIRECT_MAX) {
      const coldest = [...this.direct.keys()].sort((a, b) => (this.files.get(a)?.grewAt ?? 0) - (this.files.get(b)?.grewAt ?? 0))[0];
      this.unwatchFile(coldest);
    }
    try {
      const watcher = watch(p, { persistent: false }, (type) => {
        if (type === 'rename') this.unwatchFile(id); // moved or deleted: the tree watcher and the rescan take over
        else void this.readPath(p);
      });
      watcher.on('error', () => this.unwatchFile(id));
      this.direct.set(id, { path: p, watcher });
    } catch {
      // gone already, or no watches left: the tree watcher and polling still cover it
    }
  }

  private unwatchFile(id: string): void {
    const d = this.direct.get(id);
    if (!d) return;
    this.direct.delete(id);
    d.watcher.close();
  }

  private async pollHot(): Promise<void> {
    try {
      const since = Date.now() - HOT_FOR_MS;
      for (const id of [...this.direct.keys()]) if ((this.files.get(id)?.grewAt ?? 0) < since) this.unwatchFile(id);
      // A file that could not be read (its permissions, say) is polled too: read as soon as it can be.
      const hot = [...this.files.values()].filter((t) => (t.grewAt >= since || t.failed) && !t.busy && !t.lost).sort((a, b) => b.grewAt - a.grewAt).slice(0, HOT_MAX);
      let any = false;
      for (const t of hot) {
        const st = await fs.stat(t.state.path).catch(() => null);
        // Compared with what was taken in, not with the lines read: an unfinished line is not read again on every poll.
        if (st && (st.size !== readTo(t) || t.failed)) {
          await this.readFile(t.state.path, t.state.id);
          any = true;
        }
      }
      if (any) this.o.onBatch?.();
    } catch (err) {
      this.o.log?.(`polling: ${(err as Error).message}`);
    }
  }

  /** The safety net: finds files the watcher missed and catches up on any that grew. Never rejects. */
  async rescan(): Promise<void> {
    try {
      await this.rescanOnce();
    } catch (err) {
      // Nothing in the tree should get here (the listing reports, the reads classify); if anything
      // does, it is one line in the health, and the next rescan tries again.
      this.readProblems.set('rescan', `rescan failed: ${(err as Error).message}`);
      this.o.log?.(`rescan: ${(err as Error).stack ?? String(err)}`);
    }
  }

  private async rescanOnce(): Promise<void> {
    if (this.closed) return;
    const known = new Set(this.files.keys()); // files followed before the listing began
    // A worker takes tens of milliseconds to start: worth it where the listing takes longer.
    const large = this.listed + this.unlisted.dirs.size >= OFF_THREAD_FILES;
    const listing = large ? await discoverOffThread(this.o.configDirs) : discover(this.o.configDirs);
    const found = this.took(listing);
    if (this.closed) return;
    // Problems of reads are found again by the reads below (or were fixed meanwhile).
    this.readProblems.clear();
    const live = new Set(found.map((f) => f.id));
    const unlisted = this.unlisted;
    let n = 0;
    for (const f of found) {
      if (++n % 512 === 0) await new Promise((r) => setImmediate(r)); // thousands of files: let requests in
      if (this.pending.has(f.id)) continue; // the background read of older history has it
      const t = this.files.get(f.id);
      // In a session folder start-up left unlisted: older history (the history child has it) is
      // followed from here; anything newer was written since, or not as its session said.
      if (!t && f.mtimeMs < unlisted.before && inside(f.path, unlisted.dirs)) {
        this.track(f);
        continue;
      }
      if (!t || t.failed || t.state.path !== f.path || f.size !== readTo(t)) await this.readFile(f.path, f.id);
    }
    if (this.unlisted === unlisted) this.unlisted = NOTHING_UNLISTED;
    // Deleted files are forgotten; a file that cannot be read now, or lies in a folder that cannot
    // be listed now, keeps its place: read on from there once that is fixed, nothing twice.
    const kept = new Set(listing.unreadable.map((u) => u.id));
    const hidden = (p: string) => listing.unlisted.some((d) => p.startsWith(d + path.sep));
    for (const id of known) {
      if (live.has(id) || kept.has(id)) continue;
      const t = this.files.get(id);
      if (t && hidden(t.state.path)) continue;
      this.forget(id);
    }
    this.o.onBatch?.();
  }

  private forget(id: string): void {
    const t = this.files.get(id);
    if (!t) return;
    if (t.retry) clearTimeout(t.retry);
    this.files.delete(id);
    this.unwatchFile(id);
  }

  /** A path the watcher (or a direct watch) says changed. Never rejects. */
  private async readPath(p: string): Promise<void> {
    if (this.closed) return;
    let st;
    try {
      st = await fs.stat(p, { bigint: true });
    } catch (err) {
      const why = classify(p, err);
      if (why.problem) this.readProblems.set(p, why.problem); // a link loop or through a file, a folder not entered
      return; // or gone between the event and the stat
    }
    const kind = irregular(st);
    if (kind) {
      this.readProblems.set(p, skipped(p, kind).problem); // a FIFO or a device: never opened
      return;
    }
    await this.readFile(p, fileId(st));
    this.o.onBatch?.();
  }

  /** One reader per file at a time; a change during a read triggers one more read after it. */
  private async readFile(p: string, id: string, how: { takeUnterminated?: boolean } = {}, mtimeMs?: number): Promise<void> {
    let t = this.files.get(id);
    if (!t) {
      t = newTracked(newCheckpoint(id, p), 0);
      this.files.set(id, t);
    }
    // A rename keeps identity and offset. The history finds files by path: it must hear the new
    // name, or lines written just before a rotation (rename + new file) never reach it.
    if (t.state.path !== p && mtimeMs === undefined) this.o.onFileGrew?.(p);
    t.state.path = p;
    if (t.busy) {
      t.again = true;
      return t.busy;
    }
    const tracked = t;
    tracked.busy = (async () => {
      do {
        tracked.again = false;
        const before = tracked.state.offset;
        const takenBefore = readTo(tracked);
        const r = await readNew(tracked.state, (lines) => eventsFromLines(lines, this.stats, this.o.emit), { ...how, sameFile: true });
        if (r.replacedBy) {
          // Another file at this path now: this one was deleted or moved away. Its place is kept
          // (a rescan finds it under its new name, or nowhere); the newcomer is read on its own.
          tracked.lost = true;
          this.unwatchFile(id);
          this.dropProblems(id, tracked); // what was said of it at that path is said of another file now
          // Not awaited: two files swapping names would each wait for the other's read.
          void this.readFile(tracked.state.path, r.replacedBy, how);
          break;
        }
        this.stats.skipped += r.overlong;
        if (r.overlong > 0) this.o.log?.(`${tracked.state.path}: skipped ${r.overlong} line(s) longer than ${MAX_LINE_BYTES} bytes`);
        // History read at start-up is as hot as its last write; live growth is hot now.
        if (tracked.state.offset !== before || readTo(tracked) !== takenBefore) {
          tracked.grewAt = mtimeMs ?? Date.now();
          if (mtimeMs === undefined) {
            if (tracked.state.offset !== before) this.o.onFileGrew?.(tracked.state.path);
            this.watchFile(id, tracked.state.path);
          }
        }
        if (r.restarted) this.o.log?.(`${p} was truncated or replaced; reading it again from the start`);
        this.afterRead(id, tracked, r.unread);
      } while (tracked.again && !this.closed);
    })()
      .catch((err: Error) => this.afterRead(id, tracked, classify(tracked.state.path, err)))
      .finally(() => {
        tracked.busy = null;
      });
    return tracked.busy;
  }

  /**
   * Takes back the problem lines about this file and its path: its last failed read's, and the
   * last listing's (said of this file, under any name, or of whatever was at this path then).
   */
  private dropProblems(id: string, t: Tracked): void {
    if (t.problemAt !== null) this.readProblems.delete(t.problemAt);
    t.problemAt = null;
    for (const key of [id, t.state.path]) {
      const listed = this.unreadableAt.get(key);
      if (listed === undefined) continue;
      this.unreadableAt.delete(key);
      this.problems = this.problems.filter((l) => l !== listed);
    }
  }

  /** What a read's outcome means for the file's place and the health. */
  private afterRead(id: string, t: Tracked, unread: Unread | null): void {
    const p = t.state.path;
    t.failed = unread !== null;
    t.lost = unread?.why === 'gone';
    // Read well now (its permissions were fixed since), or gone from there: what was said is past.
    if (!unread || unread.why === 'gone') this.dropProblems(id, t);
    else if (t.problemAt !== null) this.readProblems.delete(t.problemAt);
    t.problemAt = unread?.problem ? p : null;
    if (!unread) {
      t.retryMs = RETRY_FIRST_MS;
      return;
    }
    if (unread.problem) this.readProblems.set(p, unread.problem);
    // Gone from this path is not gone: a file renamed (or reached through a link removed since)
    // lives on under another name, and reading it again from its start would count it twice.
    // Its place is kept until a rescan finds it nowhere.
    if (unread.why === 'gone') {
      t.lost = true;
      this.unwatchFile(id);
    } else if (unread.why === 'skipped') {
      // A FIFO or a device at its path now: this file is not there (the line is about the path).
      t.problemAt = null;
      t.lost = true;
      if (readTo(t) === 0) this.forget(id); // nothing read from it: nothing to keep
    } else if (unread.why === 'retry' && !t.retry && !this.closed) {
      // Out of file descriptors (or another passing shortage): not gone. Its place is kept and the
      // read tried again soon, whether or not anything else happens to the file meanwhile.
      if (t.retryMs === RETRY_FIRST_MS) this.o.log?.(unread.problem);
      t.retry = setTimeout(() => {
        t.retry = null;
        if (this.files.get(id) === t) void this.readFile(t.state.path, id);
      }, t.retryMs);
      t.retry.unref();
      t.retryMs = Math.min(RETRY_MAX_MS, t.retryMs * 2);
    }
    // 'failed' (EACCES, EIO, ...): its place is kept; the rescan and hot polling try again.
  }
}
