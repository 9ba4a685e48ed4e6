// Running a command line against a command table: `--version`, help for a command or a group,
// argument checks before anything runs, and one line for the user when something fails. Shared
// by the whole CLI (index.ts) and the reports' own entry (reports.ts), which bin starts alone.
import { runCommand, type CommandDef } from 'citty';
import { ConfigError } from '../config/index.js';
import { renderHelp } from './help.js';
import { argProblem } from './strict.js';
import { VERSION } from '../version.js';
import { errorCode } from '../util/errno.js';
import { fail } from './fail.js';

export async function runProgram(main: CommandDef<any>, argv: string[]): Promise<void> {
  if (argv[0] === '--version' || argv[0] === '-v') {
    console.log(VERSION);
    return;
  }
  try {
    const found = await commandOf(main, argv);
    // `<command> --help` shows that command's usage and never runs it (`service install --help` must not install);
    // a group named alone (`setup`) shows what it holds.
    if (argv.length === 0 || argv.includes('--help') || argv.includes('-h') || (found.subs && found.rest.length === 0)) {
      process.stdout.write(renderHelp(found.cmd, found.subs, found.path));
      return;
    }
    if (found.subs) fail(`unknown command "${[...found.path.slice(1), found.rest[0]].join(' ')}" (see ${found.path.join(' ')} --help)`, 2);
    const problem = argProblem(found.cmd.args, found.rest);
    if (problem) fail(`${found.path.slice(1).join(' ')}: ${problem}; see ${found.path.join(' ')} --help`, 2);
    await runCommand(main, { rawArgs: argv });
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, 2);
    const code = errorCode(err);
    if (code === 'E_UNKNOWN_COMMAND' || code === 'E_NO_COMMAND' || code === 'EARG') fail(`${(err as Error).message} (see claude-gauge --help)`, 2);
    // One line for the user; the stack only when asked for (it is for us, and it buries the message).
    if (process.env.CLAUDE_GAUGE_DEBUG) fail((err as Error).stack ?? String(err), 1);
    fail(`${err instanceof Error ? err.message : String(err)} (set CLAUDE_GAUGE_DEBUG=1 for details)`, 1);
  }
}

interface Found {
  cmd: CommandDef<any>;
  /** Its sub-commands, resolved, when it is a group (main, setup, hooks, ...). */
  subs: Record<string, CommandDef<any>> | null;
  /** The words naming it, program first. */
  path: string[];
  /** The words after them. */
  rest: string[];
}

/** The (sub)command the leading words of argv name. */
async function commandOf(main: CommandDef<any>, argv: string[]): Promise<Found> {
  let cmd: CommandDef<any> = main;
  const path = ['claude-gauge'];
  let i = 0;
  for (; i < argv.length; i++) {
    const next = (await resolve(cmd.subCommands))?.[argv[i]];
    if (!next) break;
    cmd = await resolve(next);
    path.push(argv[i]);
  }
  const table = await resolve(cmd.subCommands);
  let subs: Record<string, CommandDef<any>> | null = null;
  if (table) {
    subs = {};
    for (const [name, def] of Object.entries(table)) subs[name] = await resolve(def);
  }
  return { cmd, subs, path, rest: argv.slice(i) };
}

async function resolve<T>(v: T | (() => T | Promise<T>) | Promise<T>): Promise<T> {
  return typeof v === 'function' ? (v as () => T | Promise<T>)() : v;
}
