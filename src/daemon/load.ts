// One-shot loads for reports (`blocks`, `daily`/`weekly`/`monthly`/`session` from the transcripts,
// `usage`, `doctor`): only the engine (none for sessions) and the transcript reader, none of the
// daemon's servers, so a report does not pay for loading them.
import type { Config } from '../config/index.js';
import { Admission } from '../core/admission.js';
import type { GaugeEvent, ResponseEvent } from '../core/events.js';
import { ResponseFold } from '../core/response-fold.js';
import { Engine, type EngineSettings } from '../engine/engine.js';
import type { WeeklyCeiling } from '../engine/outlook.js';
import { HookSource } from '../sources/hooks/index.js';
import { TranscriptsOnce } from '../sources/transcripts/read-once.js';
import { keepYoungGenerationSmall } from '../util/young-generation.js';

export function engineSettings(c: Config, keepAllTicks = false, until?: number): EngineSettings {
  return {
    ceiling: c.ceiling,
    defaultCeiling: c.defaultCeiling,
    redline: c.redline,
    stallMinutes: c.stallMinutes,
    idleSeconds: c.idleSeconds,
    abandonMinutes: c.abandonMinutes,
    cacheFloor: c.cacheFloor,
    timeZone: c.timezone ?? undefined,
    contextWindow: c.contextWindow === 'auto' ? undefined : c.contextWindow,
    contextWarn: c.contextWarn,
    keepAllTicks,
    until,
  };
}

/** One-shot: every record read, all history kept, for reports and `usage --now`; without turns, blocks only. */
export async function loadEngine(config: Config, o: { until?: number; turns?: boolean; weekly?: WeeklyCeiling | null } = {}): Promise<{ engine: Engine; source: TranscriptsOnce }> {
  const engine = new Engine({ ...engineSettings(config, true, o.until), blocksOnly: o.turns === false, weekly: o.weekly });
  // Reports of blocks list future-dated records as ccusage does; the gauges hold them out until their time.
  const now = o.turns === false ? Infinity : o.until ?? Date.now();
  // Usage lines alone: their scan allocates much and keeps little (util/young-generation.ts says why not with turns).
  if (o.turns === false) keepYoungGenerationSmall();
  const admission = new Admission((e) => engine.apply(e), () => now);
  const emit = (e: GaugeEvent) => admission.admit(e);
  const source = new TranscriptsOnce({ configDirs: config.configDirs, emit });
  await source.loadAll(o.turns ?? true);
  if (o.turns ?? true) {
    // What the hooks reported, so a one-shot `usage` shows the daemon's exact turn state.
    const hooks = new HookSource({ stateDir: config.stateDir, emit });
    await hooks.poll();
    hooks.close();
  }
  const health = source.health();
  engine.setHealth({ ...health, problems: [...health.problems, ...admission.problems()] });
  return { engine, source };
}

/**
 * One-shot, for the session report: every response once, its copies folded in the history's
 * order (core/response-fold.ts beatsWhole), each with its file's project folder. The scan `blocks`
 * makes, without the engine: a session report needs no blocks.
 */
export async function loadResponses(config: Config): Promise<{ responses: ResponseEvent[]; problems: string[] }> {
  keepYoungGenerationSmall(); // usage lines alone, as for blocks
  const fold = new ResponseFold('whole');
  const admission = new Admission((e) => void (e.kind === 'response' && fold.add(e)), () => Infinity);
  const source = new TranscriptsOnce({ configDirs: config.configDirs, emit: (e) => admission.admit(e) });
  await source.loadAll(false, 'whole');
  return { responses: fold.responses, problems: [...source.health().problems, ...admission.problems()] };
}
