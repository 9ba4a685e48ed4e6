import { defineCommand } from 'citty';
import { Daemon } from '../../daemon/index.js';
import { snapshotLine } from '../../sinks/terminal/line.js';
import { configFrom, gaugeArgs } from '../args.js';

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
    const every = Math.max(0.1, Number(args.interval ?? 1)) * 1000;
    const limit = args.count ? Number(args.count) : Infinity;
    const daemon = new Daemon({ config, log: (m) => process.stderr.write(`claude-gauge: ${m}\n`) });
    await daemon.start();
    let n = 0;
    await new Promise<void>((resolve) => {
      const print = () => {
        const s = daemon.snapshot();
        process.stdout.write((args.json ? JSON.stringify(s) : snapshotLine(s)) + '\n');
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
