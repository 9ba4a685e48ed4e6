// Linux: a systemd user unit, so the daemon starts with the user's session and logs to the journal.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { runCommand, why, type Runner } from './runner.js';
import { argsAfterScript, commandLine, type ServiceSpec } from './spec.js';
import { ServiceError, type ServiceManager, type ServiceStatus } from './manager.js';

export const UNIT_NAME = 'claude-gauge.service';

export function unitDir(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'systemd', 'user');
}

/** One ExecStart/Environment word, quoted so spaces, quotes, `%` specifiers and `$` survive systemd's parser. */
export function quoteWord(s: string, dollars = true): string {
  if (/[\n\r]/.test(s)) throw new ServiceError(`cannot put a line break into a systemd unit: ${JSON.stringify(s)}`);
  let q = s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%');
  if (dollars) q = q.replace(/\$/g, '$$$$');
  return `"${q}"`;
}

/** The words of an ExecStart= value, undoing quoteWord (enough for the units this file writes). */
export function splitExecStart(value: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m; (m = re.exec(value)); ) {
    const raw = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2];
    out.push(raw.replace(/%%/g, '%').replace(/\$\$/g, '$'));
  }
  return out;
}

export function renderUnit(spec: ServiceSpec, writtenAt = new Date()): string {
  const exec = commandLine(spec).map((w) => quoteWord(w)).join(' ');
  const env = Object.entries(spec.env).map(([k, v]) => `Environment=${quoteWord(`${k}=${v}`, false)}\n`).join('');
  return `# Written by \`claude-gauge service install\` on ${writtenAt.toISOString()}; \`claude-gauge service uninstall\` removes it.
[Unit]
Description=claude-gauge: Claude Code usage for the instrument cluster (GET /usage)
After=network.target
# Five failed starts in five minutes: give up rather than loop (see journalctl --user -u claude-gauge).
StartLimitIntervalSec=300
StartLimitBurst=5

[Service]
Type=simple
ExecStart=${exec}
${env}Restart=on-failure
RestartSec=5
# Exit 2 is a bad setting: restarting cannot fix it.
RestartPreventExitStatus=2
TimeoutStopSec=15
# A background helper: yields the CPU to the editor and to Claude Code itself.
Nice=5
LimitNOFILE=8192
MemoryHigh=1G
SyslogIdentifier=claude-gauge

[Install]
WantedBy=default.target
`;
}

export class Systemd implements ServiceManager {
  readonly kind = 'systemd';
  readonly file: string;
  readonly logs = 'journalctl --user -u claude-gauge';

  constructor(private readonly run: Runner = runCommand, env: NodeJS.ProcessEnv = process.env, home = os.homedir()) {
    this.file = path.join(unitDir(env, home), UNIT_NAME);
  }

  private async systemctl(...args: string[]) {
    return this.run('systemctl', ['--user', ...args]);
  }

  private async must(...args: string[]): Promise<void> {
    const r = await this.systemctl(...args);
    if (r.code !== 0) {
      throw new ServiceError(`systemctl --user ${args.join(' ')} failed: ${why(r)} (the unit is at ${this.file}; is there a user session? \`loginctl enable-linger $USER\` gives one without logging in)`);
    }
  }

  async install(spec: ServiceSpec): Promise<{ reinstalled: boolean }> {
    const reinstalled = await exists(this.file);
    await writeFileAtomic(this.file, renderUnit(spec));
    await fs.chmod(this.file, 0o644);
    await this.must('daemon-reload');
    await this.must('enable', '--now', UNIT_NAME);
    // enable --now leaves a running daemon alone: a re-install must run the new unit.
    if (reinstalled) await this.must('restart', UNIT_NAME);
    return { reinstalled };
  }

  async uninstall(): Promise<{ removed: string[] }> {
    if (!(await exists(this.file))) return { removed: [] };
    // Stop and disable first; a unit systemd never loaded (no session) is still removed.
    await this.systemctl('disable', '--now', UNIT_NAME);
    await fs.rm(this.file, { force: true });
    await this.systemctl('daemon-reload');
    return { removed: [this.file] };
  }

  async status(): Promise<ServiceStatus> {
    const installed = await exists(this.file);
    if (!installed) return { installed, enabled: false, active: false, state: 'not installed', file: this.file, logs: this.logs, args: null };
    const [enabled, active] = await Promise.all([this.systemctl('is-enabled', UNIT_NAME), this.systemctl('is-active', UNIT_NAME)]);
    const state = active.stdout.trim() || why(active);
    return { installed, enabled: enabled.code === 0, active: active.code === 0, state, file: this.file, logs: this.logs, args: await this.installedArgs() };
  }

  private async installedArgs(): Promise<string[] | null> {
    const text = await fs.readFile(this.file, 'utf8').catch(() => '');
    const line = /^ExecStart=(.*)$/m.exec(text);
    return line ? argsAfterScript(splitExecStart(line[1])) : null;
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(() => true, () => false);
}
