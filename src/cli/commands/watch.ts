import { defineCommand } from 'citty';
import { Daemon } from '../../daemon/index.js';
import { DETAILS_LEGEND, detailLines } from '../../sinks/terminal/details.js';
import { LEGEND, snapshotLine } from '../../sinks/terminal/line.js';
import { configFrom, gaugeArgs, tellProblems } from '../args.js';
import { fail } from '../fail.js';

export default defineCommand({
  meta: { name: 'watch', description: 'Print the gauges every second (Ctrl-C to stop)' },
  args: {
    ...gaugeArgs,
    json: { type: 'boolean', description: 'NDJSON: one /usage snapshot per line' },
    interval: { type: 'string', description: 'seconds between lines (default 1)' },
    count: { type: 'string', description: 'stop after this many lines' },
  },
  async run({ args }) {
    const config = configFrom(args);
    const interval = Number(args.interval ?? 1);
    const limit = args.count === undefined ? Infinity : Number(args.count);
    if (!Number.isFinite(interval) || interval <= 0) fail(`invalid --interval ${JSON.stringify(args.interval)}: seconds, a number above 0`, 2);
    if (limit !== Infinity && !(Number.isInteger(limit) && limit > 0)) fail(`invalid --count ${JSON.stringify(args.count)}: a whole number above 0`, 2);
    const every = Math.max(0.1, interval) * 1000;
    let told = '';
    // Colour and a legend for a person at a terminal; plain lines for a pipe or a log (and NO_COLOR).
    const color = !args.json && process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
    if (!args.json && process.stdout.isTTY) process.stdout.write(`${LEGEND}\n${DETAILS_LEGEND}\n`);
    const daemon = new Daemon({ config, log: (m) => process.stderr.write(`claude-gauge: ${m}\n`) });
    await daemon.start();
    let n = 0;
    await new Promise<void>((resolve) => {
      const print = () => {
        const s = daemon.snapshot();
        // Why a lamp is lit (a folder that does not exist, say): on stderr, each time it changes.
        const problems = s.source.problems.join('\n');
        if (problems !== told) tellProblems(s.source.problems);
        told = problems;
        // Range, cost, seven days and context: indented lines under the gauges, when the snapshot has them.
        const lines = args.json ? [JSON.stringify(s)] : [snapshotLine(s, { color }), ...detailLines(s, { color })];
        process.stdout.write(lines.join('\n') + '\n');
        if (++n >= limit) {
          clearInterval(timer);
          resolve();
        }
      };
      const timer = setInterval(print, every);
      print();
      process.once('SIGINT', () => {
        clearInterval(timer);
        resolve();
      });
    });
    await daemon.close();
  },
});
