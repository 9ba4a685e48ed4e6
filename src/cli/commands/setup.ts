import { defineCommand } from 'citty';
import { resolveConfig } from '../../config/index.js';
import { OTEL_PROTOCOLS, otelSetupText, writeOtel, type OtelProtocol } from '../../setup/otel.js';
import { settingsPathFor } from '../../setup/settings.js';
import { installStatusline, shellQuote, uninstallStatusline } from '../../setup/statusline.js';
import { fail } from '../fail.js';
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
    const settingsPath = settingsPathFor(config.configDirs, args.settings);
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
    protocol: { type: 'string', default: 'http/protobuf', description: 'http/protobuf (default; port 4318) or grpc (port 4317)' },
    endpoint: { type: 'string', description: 'the OTLP endpoint, if not the default' },
    host: { type: 'string', description: 'host.name for dashboards of many machines' },
    write: { type: 'boolean', description: 'merge the block into the settings file instead of printing it (a backup is kept)' },
    settings: { type: 'string', description: 'settings.json to name or edit (default: <first Claude config dir>/settings.json)' },
  },
  async run({ args }) {
    if (args.to !== 'otlp' && args.to !== 'collector') return fail('--to must be otlp or collector', 2);
    if (!OTEL_PROTOCOLS.includes(args.protocol as OtelProtocol)) return fail(`--protocol must be ${OTEL_PROTOCOLS.join(' or ')}`, 2);
    const o = { to: args.to, protocol: args.protocol as OtelProtocol, endpoint: args.endpoint, host: args.host, settingsPath: settingsPathFor(resolveConfig({}).configDirs, args.settings) } as const;
    let text: string;
    try {
      text = otelSetupText(o); // checks the endpoint before anything is written
    } catch (e) {
      return fail((e as Error).message, 2);
    }
    if (!args.write) return void process.stdout.write(text);
    const r = await writeOtel(o);
    console.log(r.changed ? `telemetry settings merged into ${o.settingsPath}${r.backup ? ` (backup: ${r.backup})` : ''}; restart Claude Code` : `already set in ${o.settingsPath}`);
  },
});

export default defineCommand({
  meta: { name: 'setup', description: 'Wire claude-gauge into Claude Code' },
  subCommands: { statusline, otel },
});
