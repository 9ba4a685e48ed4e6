// Listed for --help; the CLI entry runs the statusline directly, without this framework.
import { defineCommand, type CommandMeta } from 'citty';
import { DEFAULT_FORMAT, FORMAT_ENV } from '../../config/statusline-format.js';
import { statuslineHelp } from '../../sinks/statusline-help.js';
import { runStatusline } from '../../statusline/run.js';

export default defineCommand({
  meta: {
    name: 'statusline',
    description: "For Claude Code's statusLine setting: prints a short line, hands rate limits to the daemon",
    epilog: statuslineHelp(),
  } as CommandMeta & { epilog: string[] },
  args: {
    chain: { type: 'string', description: 'another status line command to run with the same input; its output comes first' },
    format: { type: 'string', description: `segments to show, in order, comma-separated (env ${FORMAT_ENV}; default ${DEFAULT_FORMAT.join(',')})` },
  },
  run: ({ args }) => runStatusline({ chain: args.chain, format: args.format }),
});
