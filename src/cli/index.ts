// The claude-gauge command. Subcommands load lazily so `statusline`, which Claude Code
// runs every turn, pays only for what it uses.
import { defineCommand, runCommand, showUsage } from 'citty';
import { ConfigError } from '../config/index.js';
import { VERSION } from '../version.js';

export const main = defineCommand({
  meta: { name: 'claude-gauge', version: VERSION, description: 'Instrument cluster for Claude Code: a daemon that turns transcripts into gauges.' },
  subCommands: {
    serve: () => import('./commands/serve.js').then((m) => m.default),
    watch: () => import('./commands/watch.js').then((m) => m.default),
    usage: () => import('./commands/usage.js').then((m) => m.default),
    blocks: () => import('./commands/blocks.js').then((m) => m.default),
    doctor: () => import('./commands/doctor.js').then((m) => m.default),
    statusline: () => import('./commands/statusline.js').then((m) => m.default),
    setup: () => import('./commands/setup.js').then((m) => m.default),
    demo: () => import('./commands/demo.js').then((m) => m.default),
    export: () => import('./commands/export.js').then((m) => m.default),
    import: () => import('./commands/import.js').then((m) => m.default),
    faces: () => import('./commands/faces.js').then((m) => m.default),
  },
});

export async function run(argv = process.argv.slice(2)): Promise<void> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    await showUsage(main);
    return;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    console.log(VERSION);
    return;
  }
  try {
    await runCommand(main, { rawArgs: argv });
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, 2);
    const code = (err as { code?: string }).code;
    if (code === 'E_UNKNOWN_COMMAND' || code === 'E_NO_COMMAND' || code === 'EARG') fail(`${(err as Error).message} (see claude-gauge --help)`, 2);
    fail((err as Error).stack ?? String(err), 1);
  }
}

export function fail(message: string, code: number): never {
  process.stderr.write(`claude-gauge: ${message}\n`);
  process.exit(code);
}
