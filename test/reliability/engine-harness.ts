// The daemon's fold in one process, for fuzzers: events through the Admission gate into a live
// Engine, and each snapshot made the way Daemon.refresh makes it (release held records, health
// with the gate's problems, trim, compact, snapshot), then held to the published /usage schema.
import { Admission } from '../../src/core/admission.js';
import type { GaugeEvent } from '../../src/core/events.js';
import type { Snapshot, SourceHealth } from '../../src/core/snapshot.js';
import { resolveConfig } from '../../src/config/index.js';
import { engineSettings } from '../../src/daemon/load.js';
import { Engine, type EngineSettings } from '../../src/engine/engine.js';
import { assertUsageSchema } from '../helpers/schema.js';

/** The settings a fresh install runs with (no config file, no environment). */
export const DEFAULT_SETTINGS: EngineSettings = engineSettings(resolveConfig({}, { CLAUDE_GAUGE_CONFIG: '/nonexistent/claude-gauge.json', HOME: '/nonexistent' }));

const HEALTH: SourceHealth = { kind: 'fuzz', ok: true, problems: [], files: 0, records: 0, skipped_lines: 0, backfill: { done: true, files_done: 0, files_total: 0 } };

export class Fold {
  readonly engine: Engine;
  readonly admission: Admission;

  constructor(
    public now: number,
    settings: Partial<EngineSettings> = {},
  ) {
    this.engine = new Engine({ ...DEFAULT_SETTINGS, ...settings });
    this.admission = new Admission((e) => this.engine.apply(e), () => this.now);
  }

  admit(e: GaugeEvent): void {
    this.admission.admit(e);
  }

  /** A snapshot as the daemon publishes it; throws when it breaks the /usage schema. */
  snapshot(): Snapshot {
    this.admission.release();
    const problems = this.admission.problems();
    this.engine.setHealth(problems.length ? { ...HEALTH, problems } : HEALTH);
    this.engine.trim(this.now);
    this.engine.compact(this.now);
    const s = this.engine.snapshot(this.now);
    assertUsageSchema(JSON.parse(JSON.stringify(s)));
    return s;
  }
}
