// `--fuel prometheus` (hybrid): the tach and lamps stay on the main source (the transcript tail),
// the 5-hour window comes from Prometheus. A private engine runs over the same events the
// prometheus source would give, and its active block is handed over as a WindowEvent: a source
// and an engine composed, so it lives with the daemon, not among the sources.
import { Admission } from '../core/admission.js';
import { Engine, type EngineSettings } from '../engine/engine.js';
import type { FuelSource, FuelSourceHealth, FuelSourceOptions } from '../sources/fuel.js';
import { POLL_MS, PrometheusSource } from '../sources/prometheus/index.js';

export interface PrometheusFuelOptions extends FuelSourceOptions {
  url: string;
  selector: string;
  settings: EngineSettings;
  pollMs?: number;
}

export class PrometheusFuel implements FuelSource {
  private readonly engine: Engine;
  /** The same gate the daemon's engine has: Prometheus answers are input like any other. */
  private readonly admission: Admission;
  private readonly source: PrometheusSource;
  private readonly clock: () => number;

  /** Where each figure goes, and how often one comes. */
  private readonly deliver: Pick<PrometheusFuelOptions, 'emit' | 'onBatch'>;
  private readonly pollMs: number;

  constructor(o: PrometheusFuelOptions) {
    this.clock = o.clock ?? Date.now;
    this.deliver = { emit: o.emit, onBatch: o.onBatch };
    this.pollMs = o.pollMs ?? POLL_MS;
    this.engine = new Engine(o.settings);
    this.admission = new Admission((e) => this.engine.apply(e), this.clock);
    this.source = new PrometheusSource({
      url: o.url, selector: o.selector, clock: o.clock, log: o.log, pollMs: o.pollMs,
      emit: (e) => this.admission.admit(e),
      horizon: () => this.engine.horizon(),
      onBatch: () => this.publish(),
    });
  }

  start(): Promise<void> {
    return this.source.start();
  }

  close(): Promise<void> {
    return this.source.close();
  }

  health(): FuelSourceHealth {
    const h = this.source.health();
    return { kind: 'prometheus', ok: h.ok, problems: h.problems };
  }

  /** After every good poll: the private engine's active block, fresh for three missed polls. */
  private publish(): void {
    const h = this.source.health();
    if (h.ok && h.backfill.done) {
      const now = this.clock();
      this.admission.release();
      this.engine.trim(now);
      this.engine.compact(now);
      const s = this.engine.snapshot(now);
      this.deliver.emit({
        kind: 'window', at: now, origin: 'prometheus', tokens: s.window_5h_tokens,
        blockStart: s.window_5h_block_start ? Date.parse(s.window_5h_block_start) : null,
        blockEnd: s.window_5h_block_end ? Date.parse(s.window_5h_block_end) : null,
        freshMs: 3 * this.pollMs + 5_000,
      });
    }
    this.deliver.onBatch();
  }
}
