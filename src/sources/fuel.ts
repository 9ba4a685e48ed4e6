// A fuel source counts the 5-hour window beside the main source (hybrid setups): it emits
// WindowEvents, which the fuel gauge reads while they are fresh; tach and lamps stay with the main source.
import type { WindowEvent } from '../core/events.js';
import type { FuelHealth } from '../core/snapshot.js';

/** A fuel source's own health; the engine adds the age of its last figure (it holds that figure). */
export type FuelSourceHealth = Omit<FuelHealth, 'age_s'>;

export interface FuelSource {
  start(): Promise<void>;
  close(): Promise<void>;
  health(): FuelSourceHealth;
}

export interface FuelSourceOptions {
  emit: (e: WindowEvent) => void;
  /** Called after each new figure, so the daemon republishes at once. */
  onBatch: () => void;
  log?: (msg: string) => void;
  clock?: () => number;
}
