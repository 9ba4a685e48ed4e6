// Time-boxed fast-check: batches of runs with fresh seeds until the time is up, so each CI run
// tries new inputs. A failure names its seed; FUZZ_SEED=<seed> replays just that batch.
import fc from 'fast-check';

/** Seconds per parser (CI: 60). FUZZ_SECONDS shortens it for a quick local look. */
export const FUZZ_SECONDS = Number(process.env.FUZZ_SECONDS ?? 60);
const REPLAY = process.env.FUZZ_SEED === undefined ? null : Number(process.env.FUZZ_SEED);

export interface Tally {
  name: string;
  inputs: number;
  batches: number;
}

export interface FuzzReport {
  seconds: number;
  baseSeed: number;
  tallies: Tally[];
  /** One line for the test log and docs/reliability.md. */
  summary(): string;
}

type AnyProperty = fc.IProperty<any> | fc.IAsyncProperty<any>;

/**
 * Runs the properties in turn, `batch` runs each with its own seed, until `seconds` have passed.
 * Batch seeds are baseSeed, baseSeed+1, ...; on a replay every property runs once with the given seed.
 */
export async function fuzzFor(label: string, props: { name: string; property: AnyProperty; batch: number }[], seconds = FUZZ_SECONDS): Promise<FuzzReport> {
  const baseSeed = REPLAY ?? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
  const tallies: Tally[] = props.map((p) => ({ name: p.name, inputs: 0, batches: 0 }));
  const started = Date.now();
  let i = 0;
  do {
    const k = i % props.length;
    const seed = REPLAY ?? (baseSeed + i) | 0;
    const details = await fc.check(props[k].property as fc.IAsyncProperty<any>, { seed, numRuns: props[k].batch });
    tallies[k].inputs += details.numRuns;
    tallies[k].batches++;
    if (details.failed) {
      throw new Error(`${label}/${props[k].name} failed with seed ${seed} (replay: FUZZ_SEED=${seed} FUZZ_SECONDS=0)\n${clip(fc.defaultReportMessage(details))}`);
    }
    i++;
    if (REPLAY !== null && i >= props.length) break;
  } while (Date.now() - started < seconds * 1000);
  const took = (Date.now() - started) / 1000;
  return {
    seconds: took,
    baseSeed,
    tallies,
    summary: () =>
      `${label}: ${tallies.reduce((a, t) => a + t.inputs, 0)} inputs in ${took.toFixed(1)} s, base seed ${baseSeed}, 0 failures (${tallies.map((t) => `${t.name} ${t.inputs}`).join(', ')})`,
  };
}

/** Counterexamples can be megabytes (huge lines): the log gets the head and the tail. */
function clip(s: string): string {
  return s.length <= 6000 ? s : `${s.slice(0, 3000)}\n... (${s.length - 6000} characters left out) ...\n${s.slice(-3000)}`;
}
