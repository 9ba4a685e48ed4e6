import { readFileSync } from 'node:fs';
import { defineCommand } from 'citty';
import { openHistory } from '../../store/db.js';
import { loadOverrides, Pricer } from '../../store/pricing.js';
import { importText } from '../../store/transfer.js';
import { stateDir } from '../../util/paths.js';
import { fail } from '../fail.js';
import { errorText } from '../../util/errno.js';

export default defineCommand({
  meta: { name: 'import', description: "Merge another machine's export into the history (the same response is never counted twice)" },
  args: { file: { type: 'positional', description: 'a file written by claude-gauge export (JSON or CSV)', required: true } },
  async run({ args }) {
    let text: string;
    try {
      text = readFileSync(args.file, 'utf8');
    } catch (err) {
      return fail(`cannot read ${args.file}: ${errorText(err)}`, 2);
    }
    const history = openHistory(stateDir());
    try {
      const r = importText(history.db, text, new Pricer(loadOverrides()));
      process.stdout.write(`imported ${args.file}: ${r.responses_new} new responses, ${r.responses_replaced} replaced by a larger copy, ${r.responses_kept} already known; ${r.texts_new} new text counters, ${r.tools_new} new tool calls\n`);
    } catch (err) {
      fail(`cannot import ${args.file}: ${(err as Error).message}`, 2);
    } finally {
      history.close();
    }
  },
});
