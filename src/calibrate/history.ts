// Reads the transcripts once, as `blocks` does, keeping the deduplicated responses themselves:
// the engine does not hand out its entries, and calibration needs them by the minute.
import type { Config } from '../config/index.js';
import type { ResponseEvent } from '../core/events.js';
import { engineSettings } from '../daemon/index.js';
import type { BlockEntry } from '../engine/blocks.js';
import { beats, Engine } from '../engine/engine.js';
import { TranscriptSource } from '../sources/transcripts/index.js';

export async function readHistory(config: Config): Promise<{ engine: Engine; entries: BlockEntry[] }> {
  const engine = new Engine(engineSettings(config, true));
  const byKey = new Map<string, ResponseEvent>();
  const source = new TranscriptSource({
    configDirs: config.configDirs,
    rescanMs: 0,
    emit: (e) => {
      engine.apply(e);
      if (e.kind !== 'response') return;
      const cur = byKey.get(e.key);
      // The copy that wins in the engine (and in ccusage) stands for the response, its time included.
      if (!cur || beats(e, cur)) byKey.set(e.key, e);
    },
  });
  await source.loadAll(false);
  engine.setHealth(source.health());
  const entries = [...byKey.values()]
    .map((e): BlockEntry => ({ at: e.at, model: e.model, tokens: e.tokens, synthetic: e.synthetic, sidechain: e.sidechain, speed: e.speed }))
    .sort((a, b) => a.at - b.at);
  return { engine, entries };
}
