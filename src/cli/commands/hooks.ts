import { defineCommand } from 'citty';
import { resolveConfig, type Config } from '../../config/index.js';
import { installedEvents, installHooks, uninstallHooks } from '../../setup/hooks.js';
import { shellQuote } from '../../setup/statusline.js';
import { hooksFile } from '../../sources/hooks/record.js';
import { fail } from '../fail.js';
import { packageFile } from '../../util/package-files.js';
import { settingsPathFor } from '../../setup/settings.js';

const settingsArg = { settings: { type: 'string', description: 'settings.json to edit (default: <first Claude config dir>/settings.json)' } } as const;

/** The same settings.json `setup statusline` edits. */
function settingsPath(config: Config, override?: string): string {
  return settingsPathFor(config.configDirs, override);
}

/** An absolute command line, so it works whatever PATH Claude Code runs hooks with. */
function hookCommand(): string {
  const bin = packageFile('bin', 'claude-gauge.cjs');
  return `${shellQuote(process.execPath)} ${shellQuote(bin)} hook`;
}

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    return fail((e as Error).message, 1);
  }
}

const install = defineCommand({
  meta: { name: 'install', description: "Add claude-gauge's hooks to Claude Code's settings (exact STALL and IDLE)" },
  args: { ...settingsArg, 'dry-run': { type: 'boolean', description: 'show the hooks that would be written' } },
  async run({ args }) {
    const file = settingsPath(resolveConfig({}), args.settings);
    const r = await guarded(() => installHooks({ settingsPath: file, command: hookCommand(), dryRun: args['dry-run'] }));
    if (args['dry-run']) return console.log(JSON.stringify({ hooks: r.hooks }, null, 2));
    if (!r.changed) return console.log(`hooks already installed in ${file}`);
    console.log(`hooks installed in ${file}${r.backup ? ` (backup: ${r.backup})` : ''}`);
    console.log('Claude Code sessions started from now on report their turns; remove with: claude-gauge hooks uninstall');
  },
});

const uninstall = defineCommand({
  meta: { name: 'uninstall', description: "Remove claude-gauge's hooks (and nothing else) from Claude Code's settings" },
  args: { ...settingsArg },
  async run({ args }) {
    const file = settingsPath(resolveConfig({}), args.settings);
    const r = await guarded(() => uninstallHooks({ settingsPath: file }));
    console.log(r.changed ? `hooks removed from ${file}${r.backup ? ` (backup: ${r.backup})` : ''}` : `no claude-gauge hooks in ${file}; nothing to remove`);
  },
});

const status = defineCommand({
  meta: { name: 'status', description: 'Show which hook events are installed and where records go' },
  args: { ...settingsArg },
  async run({ args }) {
    const config = resolveConfig({});
    const file = settingsPath(config, args.settings);
    const events = await guarded(() => installedEvents(file));
    console.log(events.length ? `installed in ${file}: ${events.join(', ')}` : `not installed in ${file}`);
    console.log(`records: ${hooksFile(config.stateDir)}`);
  },
});

export default defineCommand({
  meta: { name: 'hooks', description: "Claude Code hooks that report exactly when a turn starts and ends" },
  subCommands: { install, uninstall, status },
});
