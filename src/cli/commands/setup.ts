import path from 'node:path';
import { defineCommand } from 'citty';
import { resolveConfig } from '../../config/index.js';
import { otelSetupText } from '../../setup/otel.js';
import { installStatusline, shellQuote, uninstallStatusline } from '../../setup/statusline.js';
import { fail } from '../index.js';
import { packageFile } from '../../util/package-files.js';

const statusline = defineCommand({
  meta: { name: 'statusline', description: "Point Claude Code's statusLine at claude-gauge (keeps and chains the one you had)" },
  args: {
    undo: { type: 'boolean', description: 'restore the status line you had before' },
    'dry-run': { type: 'boolean', description: 'show what would be written' },
    settings: { type: 'string', description: 'settings.json to edit (default: <first Claude config dir>/settings.json)' },
  },
  async run({ args }) {
    const config = resolveConfig({});
    const settingsPath = args.settings ? path.resolve(args.settings) : path.join(config.configDirs.find((d) => d.endsWith('.claude')) ?? config.configDirs[0], 'settings.json');
    if (args.undo) {
      const r = await uninstallStatusline({ settingsPath, stateDir: config.stateDir });
      console.log(r.changed ? `restored the previous status line in ${settingsPath}` : `claude-gauge is not the status line in ${settingsPath}; nothing to undo`);
      return;
    }
    const r = await installStatusline({ settingsPath, stateDir: config.stateDir, baseCommand: ownCommand(), dryRun: args['dry-run'] });
    if (args['dry-run']) {
      console.log(JSON.stringify({ statusLine: r.installed }, null, 2));
      return;
    }
    if (!r.changed) console.log(`already set up in ${settingsPath}`);
    else {
      console.log(`status line set in ${settingsPath}${r.backup ? ` (backup: ${r.backup})` : ''}`);
      if (r.chained) console.log(`your previous status line still runs first: ${r.chained}`);
      console.log('undo with: claude-gauge setup statusline --undo');
    }
  },
});

/** An absolute command line, so it works whatever PATH Claude Code runs with. */
function ownCommand(): string {
  const bin = packageFile('bin', 'claude-gauge.cjs');
  return `${shellQuote(process.execPath)} ${shellQuote(bin)} statusline`;
}

const otel = defineCommand({
  meta: { name: 'otel', description: 'Print the Claude Code settings block for OpenTelemetry (to this daemon or a collector)' },
  args: {
    to: { type: 'string', default: 'otlp', description: 'otlp (the daemon\'s own receiver) or collector' },
    endpoint: { type: 'string', description: 'the OTLP endpoint, if not the default' },
    host: { type: 'string', description: 'host.name for dashboards of many machines' },
  },
  run({ args }) {
    if (args.to !== 'otlp' && args.to !== 'collector') return fail('--to must be otlp or collector', 2);
    try {
      process.stdout.write(otelSetupText({ to: args.to, endpoint: args.endpoint, host: args.host }));
    } catch (e) {
      fail((e as Error).message, 2);
    }
  },
});

export default defineCommand({
  meta: { name: 'setup', description: 'Wire claude-gauge into Claude Code' },
  subCommands: { statusline, otel },
});
