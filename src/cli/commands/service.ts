import { defineCommand } from 'citty';
import { resolveConfig } from '../../config/index.js';
import { findDaemon, localUrl } from '../../daemon/discovery.js';
import { flagValue, managerFor, serviceSpec, ServiceError, type ServiceManager } from '../../service/index.js';
import { gaugeArgs, serverArgs } from '../args.js';
import { fail } from '../fail.js';

const installArgs = { ...serverArgs, ...gaugeArgs };

function manager(): ServiceManager {
  const m = managerFor();
  if (!m) fail(`service is not supported on ${process.platform} yet; start \`claude-gauge serve\` from a login script instead`, 2);
  return m;
}

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ServiceError) fail(err.message, 1);
    throw err;
  }
}

const install = defineCommand({
  meta: { name: 'install', description: 'Run the daemon at login (systemd user unit / launchd agent); the flags given here are baked in' },
  args: installArgs,
  async run({ args }) {
    const m = manager();
    const flags: Record<string, string> = {};
    for (const k of Object.keys(installArgs)) {
      const v = (args as Record<string, unknown>)[k];
      if (typeof v === 'string' && v !== '') flags[k] = v;
    }
    resolveConfig(flags); // a bad flag fails here (exit 2), not in a unit restarting in the background
    const spec = serviceSpec(flags);
    const { reinstalled } = await guarded(() => m.install(spec));
    console.log(`${reinstalled ? 'reinstalled and restarted' : 'installed and started'}: ${m.file}`);
    console.log(`runs:   ${[spec.node, spec.script, ...spec.args].join(' ')}`);
    console.log(`logs:   ${m.logs}`);
    console.log('check:  claude-gauge service status');
  },
});

const uninstall = defineCommand({
  meta: { name: 'uninstall', description: 'Stop the login service and remove what install wrote (safe to repeat)' },
  async run() {
    const m = manager();
    const { removed } = await guarded(() => m.uninstall());
    console.log(removed.length ? `stopped and removed: ${removed.join(', ')}` : `not installed (${m.file}); nothing to do`);
  },
});

const status = defineCommand({
  meta: { name: 'status', description: 'Installed? running? where the logs are, and whether /usage answers' },
  args: { json: { type: 'boolean', description: 'machine-readable' } },
  async run({ args }) {
    const m = manager();
    const s = await guarded(() => m.status());
    const config = resolveConfig({});
    const daemon = await findDaemon(config.stateDir);
    const port = flagValue(s.args ?? [], 'port') ?? String(config.port);
    const host = flagValue(s.args ?? [], 'host') ?? config.host;
    const base = daemon ? localUrl(daemon) : localUrl({ pid: 0, port: Number(port), host, started_at: '' });
    const url = `${base}/usage`;
    const answering = await fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
    const report = { manager: m.kind, ...s, usage_url: url, usage_answering: answering };
    if (args.json) {
      console.log(JSON.stringify(report, null, 2));
      return;
    }
    console.log(`service: ${s.installed ? 'installed' : 'not installed'} (${m.kind}: ${s.file})`);
    if (s.installed) {
      console.log(`state:   ${s.active ? 'active' : 'inactive'} (${s.state})${s.enabled ? ', starts at login' : ', not enabled at login'}`);
      if (s.args) console.log(`runs:    ${s.args.join(' ')}`);
    }
    console.log(`logs:    ${s.logs}`);
    console.log(`/usage:  ${answering ? 'answering' : 'not answering'} at ${url}`);
  },
});

export default defineCommand({
  meta: { name: 'service', description: 'Run the daemon at login: install, uninstall, status (systemd on Linux, launchd on macOS)' },
  subCommands: { install, uninstall, status },
});
