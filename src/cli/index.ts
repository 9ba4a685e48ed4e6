// The claude-gauge command. Subcommands load lazily so `statusline`, which Claude Code
// runs every turn, pays only for what it uses.
import { defineCommand, runCommand, showUsage, type CommandDef } from 'citty';
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
    hooks: () => import('./commands/hooks.js').then((m) => m.default),
    hook: () => import('./commands/hook.js').then((m) => m.default),
    alerts: () => import('./commands/alerts.js').then((m) => m.default),
    demo: () => import('./commands/demo.js').then((m) => m.default),
    export: () => import('./commands/export.js').then((m) => m.default),
    import: () => import('./commands/import.js').then((m) => m.default),
    service: () => import('./commands/service.js').then((m) => m.default),
    calibrate: () => import('./commands/calibrate.js').then((m) => m.default),
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
    // `<command> --help` shows that command's usage and never runs it (`service install --help` must not install).
    if (argv.includes('--help') || argv.includes('-h')) {
      const [cmd, parent] = await commandOf(argv);
      await showUsage(cmd, parent);
      return;
    }
    await runCommand(main, { rawArgs: argv });
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, 2);
    const code = (err as { code?: string }).code;
    if (code === 'E_UNKNOWN_COMMAND' || code === 'E_NO_COMMAND' || code === 'EARG') fail(`${(err as Error).message} (see claude-gauge --help)`, 2);
    // One line for the user; the stack only when asked for (it is for us, and it buries the message).
    if (process.env.CLAUDE_GAUGE_DEBUG) fail((err as Error).stack ?? String(err), 1);
    fail(`${err instanceof Error ? err.message : String(err)} (set CLAUDE_GAUGE_DEBUG=1 for details)`, 1);
  }
}

/** The (sub)command the leading words of argv name, with its parent. */
async function commandOf(argv: string[]): Promise<[CommandDef<any>, CommandDef<any> | undefined]> {
  let cmd: CommandDef<any> = main;
  let parent: CommandDef<any> | undefined;
  for (const word of argv) {
    const subs = await resolve(cmd.subCommands);
    const next = subs?.[word];
    if (!next) break;
    [parent, cmd] = [cmd, await resolve(next)];
  }
  return [cmd, parent];
}

async function resolve<T>(v: T | (() => T | Promise<T>) | Promise<T>): Promise<T> {
  return typeof v === 'function' ? (v as () => T | Promise<T>)() : v;
}

export function fail(message: string, code: number): never {
  process.stderr.write(`claude-gauge: ${message}\n`);
  process.exit(code);
}
