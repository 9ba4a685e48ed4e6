// Files written most recently also get a direct watch of their own (fs.watch: inotify on the
// file). The tree watcher batches its events for about 50 ms; a direct watch hears a write at
// once, so the tach follows the session being worked in with the least delay. A handful is enough.
import { watch, type FSWatcher } from 'node:fs';
import type { FoundFile } from '../discover.js';
import type { DirectWatch } from '../reader.js';
import type { SourceState } from '../state.js';
import { HOT_FOR_MS } from '../tracked.js';

const DIRECT_MAX = 8;

export class DirectWatches implements DirectWatch {
  /** By identity. */
  private watches = new Map<string, { path: string; watcher: FSWatcher }>();
  /** Off until following starts (a report, or a rescan before start(), watches nothing). */
  private on = false;

  constructor(
    private readonly shared: SourceState,
    private readonly changed: (path: string) => void,
  ) {}

  start(): void {
    this.on = true;
  }

  /** The files of the session being worked in right now (the newest read, written in the last minutes). */
  watchNewest(newestFirst: FoundFile[]): void {
    const since = Date.now() - HOT_FOR_MS;
    for (const f of newestFirst.slice(0, DIRECT_MAX)) if (f.mtimeMs >= since) this.watch(f.id, f.path);
  }

  /** Watches this file directly (it just grew); the coldest direct watch makes room. */
  watch(id: string, p: string): void {
    if (!this.on || this.shared.closed) return;
    const have = this.watches.get(id);
    if (have?.path === p) return;
    if (have) this.unwatch(id);
    if (this.watches.size >= DIRECT_MAX) {
      const grewAt = (key: string) => this.shared.files.get(key)?.grewAt ?? 0;
      const coldest = [...this.watches.keys()].sort((a, b) => grewAt(a) - grewAt(b))[0];
      this.unwatch(coldest);
    }
    try {
      const watcher = watch(p, { persistent: false }, (type) => {
        if (type === 'rename') this.unwatch(id); // moved or deleted: the tree watcher and the rescan take over
        else this.changed(p);
      });
      watcher.on('error', () => this.unwatch(id));
      this.watches.set(id, { path: p, watcher });
    } catch {
      // gone already, or no watches left: the tree watcher and polling still cover it
    }
  }

  unwatch(id: string): void {
    const d = this.watches.get(id);
    if (!d) return;
    this.watches.delete(id);
    d.watcher.close();
  }

  /** Lets go of the files that have not grown since `since` (epoch ms). */
  dropColderThan(since: number): void {
    for (const id of [...this.watches.keys()]) if ((this.shared.files.get(id)?.grewAt ?? 0) < since) this.unwatch(id);
  }

  get paths(): string[] {
    return [...this.watches.values()].map((d) => d.path);
  }

  close(): void {
    for (const id of [...this.watches.keys()]) this.unwatch(id);
  }
}
