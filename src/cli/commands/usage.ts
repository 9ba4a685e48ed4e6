import { defineCommand } from 'citty';
import { timeOf } from '../../core/validate.js';
import { loadEngine } from '../../daemon/load.js';
import { loadPriceFn } from '../../daemon/older-history.js';
import { readWeekly } from '../../daemon/weekly-ceiling.js';
import { readHandoff } from '../../sources/statusline/handoff.js';
import { configFrom, gaugeArgs, tellProblems } from '../args.js';
import { fail } from '../fail.js';

export default defineCommand({
  meta: { name: 'usage', description: 'Print one /usage snapshot as JSON and exit' },
  args: {
    ...gaugeArgs,
    now: { type: 'string', description: 'evaluate at this instant (ISO 8601), e.g. 2026-02-12T16:00:00Z' },
    compact: { type: 'boolean', description: 'one line instead of indented JSON' },
  },
  async run({ args }) {
    const config = configFrom(args);
    const now = args.now ? timeOf(args.now) : Date.now();
    if (now === null) fail(`invalid --now ${JSON.stringify(args.now)}: must be an ISO 8601 date-time between 2000 and 2100`, 2);
    // The price table loads while the history is read; the weekly ceiling is the daemon's, kept in the state folder.
    const pricing = loadPriceFn(toStderr, config.stateDir);
    const { engine } = await loadEngine(config, { until: args.now ? now : undefined, weekly: readWeekly(config.stateDir) });
    engine.setPrice((await pricing).price);
    const limits = await readHandoff(config.stateDir);
    if (limits) engine.apply(limits);
    const snap = { ...engine.snapshot(now), seq: 1 };
    tellProblems(snap.source.problems);
    process.stdout.write(JSON.stringify(snap, null, args.compact ? 0 : 2) + '\n');
    await (await pricing).saveRates();
  },
});

const toStderr = (problem: string) => void process.stderr.write(`${problem}\n`);
