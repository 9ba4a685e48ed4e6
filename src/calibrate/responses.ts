// Reads the transcripts once, as `blocks` does, keeping the deduplicated responses themselves:
// the engine does not hand out its entries, and calibration needs them by the minute.
import type { Config } from '../config/index.js';
import { ResponseFold } from '../core/response-fold.js';
import { engineSettings } from '../daemon/index.js';
import type { BlockEntry } from '../core/blocks.js';
import { Engine } from '../engine/engine.js';
import { TranscriptsOnce } from '../sources/transcripts/read-once.js';

export async function readResponses(config: Config): Promise<{ engine: Engine; entries: BlockEntry[] }> {
  const engine = new Engine(engineSettings(config, true));
  // The copy that wins in the engine (and in ccusage) stands for the response, its time included.
  const fold = new ResponseFold();
  const source = new TranscriptsOnce({
    configDirs: config.configDirs,
    emit: (e) => {
      engine.apply(e);
      if (e.kind === 'response') fold.add(e);
    },
  });
  await source.loadAll(false);
  engine.setHealth(source.health());
  const entries = fold.byTime().map((e): BlockEntry => ({ at: e.at, model: e.model, tokens: e.tokens, synthetic: e.synthetic, sidechain: e.sidechain, speed: e.speed }));
  return { engine, entries };
}
