// Generates a synthetic Claude Code history for benchmarks:
//   node dist/bench/generate.js --out /tmp/cg-bench --size 200MB [--seed N] [--days N] [--end ISO] [--projects N]
// Prints the summary (plus elapsed milliseconds) as JSON. Keep bench data out of the repository.
import { parseArgs } from 'node:util';
import { generateCorpus } from '../src/generate/corpus.js';

const UNITS: Record<string, number> = { '': 1, B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

function parseSize(s: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMG]?B?)\s*$/i.exec(s);
  const unit = m ? m[2].toUpperCase() : '';
  const mult = UNITS[unit.length === 1 && unit !== 'B' ? `${unit}B` : unit];
  if (!m || mult === undefined) throw new Error(`bad --size: ${s} (try 500KB, 100MB, 2GB)`);
  return Math.round(Number(m[1]) * mult);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      size: { type: 'string', default: '100MB' },
      seed: { type: 'string', default: '1' },
      days: { type: 'string', default: '30' },
      end: { type: 'string' },
      projects: { type: 'string', default: '5' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.out) {
    process.stderr.write('usage: generate --out DIR --size 100MB|1GB [--seed N] [--days N] [--end ISO] [--projects N]\n');
    process.exit(values.help ? 0 : 2);
  }
  // Default end: the current hour, so the history reaches up to about now.
  const end = values.end ? new Date(values.end) : new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
  const start = new Date(end.getTime() - Number(values.days) * 86_400_000);
  if (Number.isNaN(start.getTime())) throw new Error('bad --end or --days');
  const t0 = performance.now();
  const summary = await generateCorpus({
    outDir: values.out,
    targetBytes: parseSize(values.size!),
    seed: Number(values.seed),
    projects: Number(values.projects),
    start,
    end,
  });
  const ms = Math.round(performance.now() - t0);
  process.stdout.write(JSON.stringify({ ...summary, outDir: values.out, start: start.toISOString(), end: end.toISOString(), ms }, null, 2) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
