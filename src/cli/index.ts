// The claude-gauge command. Subcommands load lazily so `statusline`, which Claude Code
// runs every turn, pays only for what it uses.
import { defineCommand } from 'citty';
import { REPORT_COMMANDS } from './report-commands.js';
import { runProgram } from './run.js';
import { PROGRAM } from './program.js';

export const main = defineCommand({
  meta: PROGRAM,
  subCommands: {
    serve: () => import('./commands/serve.js').then((m) => m.default),
    watch: () => import('./commands/watch.js').then((m) => m.default),
    ...REPORT_COMMANDS,
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

export function run(argv = process.argv.slice(2)): Promise<void> {
  return runProgram(main, argv);
}
