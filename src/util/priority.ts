// The daemon's helpers yield the processor to its thread: on a busy machine a device's /usage
// poll waits for a core whenever a helper of the same priority holds both. Each lowers its own
// priority at its start (on Linux a nice value is per thread, and threads started after inherit
// it). The two at start-up keep their old share against each other (the build, 110 against 1024
// by the kernel's weights, is 36 against 335 now), so the gauges' summary is not later.
// A fresh `serve` alternating the old values (0 and 10) with these on a 2-core machine, /usage
// polled every 5 ms from another process: p99 while the build ran 9.5-11.8 -> 8.5-9.7 ms at
// 100 MB, 11.9-14.8 -> 8.7-10.2 at 500 MB, 11.3-11.4 -> 9.1-9.3 at 2 GB, the build as long;
// p99 until the 2 GB summary was done 37.5-51.1 -> 13.2-23.9 ms, the summary done at 4.0-4.6
// -> 4.5-4.8 s.
import { setPriority } from 'node:os';

/** The summary of the older history the gauges wait for (daemon/older-history-worker.ts). */
export const SUMMARY_NICE = 5;
/** The history's first build (store/build-child.ts): after the summary, for as long as it takes. */
export const BUILD_NICE = 15;
/** Decoding OTLP requests off the daemon's thread (sources/otlp/parse-worker.ts): the lowest. */
export const DECODE_NICE = 19;

/** Lowers this thread's priority (and so its later threads'); where that is not allowed, nothing changes. */
export function lowerPriority(nice: number): void {
  try {
    setPriority(nice);
  } catch {
    // not allowed here: it runs at the daemon's priority
  }
}
