import { createWriteStream, existsSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { defineCommand } from 'citty';
import { HISTORY_FILE, openHistory } from '../../store/db.js';
import { exportCsv, exportJson } from '../../store/transfer.js';
import { stateDir } from '../../util/paths.js';
import { fail } from '../fail.js';
import { errorCode } from '../../util/errno.js';

export default defineCommand({
  meta: { name: 'export', description: 'Write the durable history (every response once, counters, tools) as JSON or CSV' },
  args: {
    csv: { type: 'boolean', description: 'responses as CSV, one row each' },
    json: { type: 'boolean', description: 'everything as JSON (the default; what import reads back in full)' },
    out: { type: 'string', description: 'write to this file instead of stdout' },
  },
  async run({ args }) {
    if (args.csv && args.json) fail('choose one of --csv and --json', 2);
    const dir = stateDir();
    // Export only reads: it must not leave an empty history behind where none was.
    if (!existsSync(path.join(dir, HISTORY_FILE))) fail(`no history in ${dir} yet: it fills while \`claude-gauge serve\` runs (from your transcripts, in a minute or two)`, 1);
    const history = openHistory(dir);
    try {
      const rows = (history.db.prepare('SELECT count(*) n FROM responses').get() as { n: number }).n;
      if (rows === 0) process.stderr.write(`claude-gauge: the history in ${dir} holds no responses yet; \`claude-gauge serve\` fills it from your transcripts\n`);
      // `export --csv | head` closes the pipe early: that is the reader's choice, not an error.
      process.stdout.on('error', (err) => {
        if (errorCode(err) === 'EPIPE') process.exit(0);
        throw err;
      });
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
