// Hot polling: the files that grew in the last minutes are stat'ed every second or so, so a
// watcher event that never came (network and container mounts, WSL, a busy inotify queue) costs a
// second, not a rescan. A file that could not be read is polled too, to be read once it can be.
import { promises as fs } from 'node:fs';
import type { TranscriptSourceOptions } from '../options.js';
import type { TranscriptReader } from '../reader.js';
import type { SourceState } from '../state.js';
import { HOT_FOR_MS, readTo } from '../tracked.js';
import type { DirectWatches } from './direct.js';

const HOT_MAX = 64;

export interface HotPollParts {
  shared: SourceState;
  reader: TranscriptReader;
  direct: DirectWatches;
  options: Pick<TranscriptSourceOptions, 'onBatch' | 'log'>;
}

/** One round of polling; never rejects. */
export async function pollHot({ shared, reader, direct, options }: HotPollParts): Promise<void> {
  try {
    const since = Date.now() - HOT_FOR_MS;
    direct.dropColderThan(since);
    const hot = [...shared.files.values()].filter((t) => (t.grewAt >= since || t.failed) && !t.busy && !t.lost).sort((a, b) => b.grewAt - a.grewAt).slice(0, HOT_MAX);
    let any = false;
    for (const t of hot) {
      const st = await fs.stat(t.state.path).catch(() => null);
      // Compared with what was taken in, not with the lines read: an unfinished line is not read again on every poll.
      if (st && (st.size !== readTo(t) || t.failed)) {
        await reader.readFile(t.state.path, t.state.id);
        any = true;
      }
    }
    if (any) options.onBatch?.();
  } catch (err) {
    options.log?.(`polling: ${(err as Error).message}`);
  }
}
