// The reports' own entry (report-commands.ts): what bin starts for `blocks`, `daily`, `usage` and
// the rest, with the same help, checks and errors as the whole CLI (run.ts).
import { defineCommand } from 'citty';
import { PROGRAM } from './program.js';
import { REPORT_COMMANDS } from './report-commands.js';
import { runProgram } from './run.js';

export const main = defineCommand({ meta: PROGRAM, subCommands: REPORT_COMMANDS });

export function run(argv = process.argv.slice(2)): Promise<void> {
  return runProgram(main, argv);
}
