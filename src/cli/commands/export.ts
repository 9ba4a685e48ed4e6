import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { defineCommand } from 'citty';
import { openHistory } from '../../store/db.js';
import { exportCsv, exportJson } from '../../store/transfer.js';
import { stateDir } from '../../util/paths.js';
import { fail } from '../index.js';

export default defineCommand({
  meta: { name: 'export', description: 'Write the durable history (every response once, counters, tools) as JSON or CSV' },
  args: {
    csv: { type: 'boolean', description: 'responses as CSV, one row each' },
    json: { type: 'boolean', description: 'everything as JSON (the default; what import reads back in full)' },
    out: { type: 'string', description: 'write to this file instead of stdout' },
  },
  async run({ args }) {
    if (args.csv && args.json) fail('choose one of --csv and --json', 2);
    const history = openHistory(stateDir());
    try {
      const out = args.out ? createWriteStream(args.out) : process.stdout;
      const write = async (s: string) => {
        if (!out.write(s)) await once(out, 'drain');
      };
      if (args.csv) for (const line of exportCsv(history.db)) await write(line);
      else await write(JSON.stringify(exportJson(history.db)) + '\n');
      if (args.out) await new Promise<void>((r) => (out as ReturnType<typeof createWriteStream>).end(r));
    } finally {
      history.close();
    }
  },
});
