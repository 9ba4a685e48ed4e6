// macOS: a launchd agent in ~/Library/LaunchAgents, started in the user's GUI session at login.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { runCommand, why, type Runner } from './runner.js';
import { argsAfterScript, commandLine, type ServiceSpec } from './spec.js';
import { ServiceError, type ServiceManager, type ServiceStatus } from './manager.js';

export const LABEL = 'dev.claude-gauge.daemon';

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function unxml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

export function logDir(home = os.homedir()): string {
  return path.join(home, 'Library', 'Logs', 'claude-gauge');
}

export function renderPlist(spec: ServiceSpec, logs: string): string {
  const args = commandLine(spec).map((a) => `    <string>${xml(a)}</string>\n`).join('');
  const env = Object.entries(spec.env).map(([k, v]) => `    <key>${xml(k)}</key>\n    <string>${xml(v)}</string>\n`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- Written by \`claude-gauge service install\`; \`claude-gauge service uninstall\` removes it. -->
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>${LABEL}</string>
  <key>ProgramArguments</key>
  <array>
${args}  </array>
  <key>EnvironmentVariables</key>
  <dict>
${env}  </dict>
  <key>RunAtLoad</key>
  <true/>
  <!-- Restart after a crash, not after a clean stop. -->
  <key>KeepAlive</key>
  <dict>
    <key>SuccessfulExit</key>
    <false/>
  </dict>
  <key>ThrottleInterval</key>
  <integer>10</integer>
  <key>ProcessType</key>
  <string>Background</string>
  <key>SoftResourceLimits</key>
  <dict>
    <key>NumberOfFiles</key>
    <integer>8192</integer>
  </dict>
  <key>StandardOutPath</key>
  <string>${xml(path.join(logs, 'daemon.log'))}</string>
  <key>StandardErrorPath</key>
  <string>${xml(path.join(logs, 'daemon.log'))}</string>
</dict>
</plist>
`;
}

/** The ProgramArguments strings of a plist this file wrote. */
export function plistArguments(text: string): string[] {
  const arr = /<key>ProgramArguments<\/key>\s*<array>([\s\S]*?)<\/array>/.exec(text);
  if (!arr) return [];
  return [...arr[1].matchAll(/<string>([\s\S]*?)<\/string>/g)].map((m) => unxml(m[1]));
}

export class Launchd implements ServiceManager {
  readonly kind = 'launchd';
  readonly file: string;
  readonly logs: string;
  private readonly domain: string;

  constructor(private readonly run: Runner = runCommand, home = os.homedir(), uid = process.getuid?.() ?? 0) {
    this.file = path.join(home, 'Library', 'LaunchAgents', `${LABEL}.plist`);
    this.logs = logDir(home);
    this.domain = `gui/${uid}`;
  }

  private loaded(): Promise<boolean> {
    return this.run('launchctl', ['print', `${this.domain}/${LABEL}`]).then((r) => r.code === 0);
  }

  async install(spec: ServiceSpec): Promise<{ reinstalled: boolean }> {
    const reinstalled = (await fs.stat(this.file).then(() => true, () => false)) || (await this.loaded());
    // launchd keeps the plist it loaded: unload the old one so the new one takes effect.
    if (reinstalled) await this.run('launchctl', ['bootout', `${this.domain}/${LABEL}`]);
    await fs.mkdir(this.logs, { recursive: true });
    await writeFileAtomic(this.file, renderPlist(spec, this.logs));
    await fs.chmod(this.file, 0o644);
    const r = await this.run('launchctl', ['bootstrap', this.domain, this.file]);
    if (r.code !== 0) throw new ServiceError(`launchctl bootstrap ${this.domain} ${this.file} failed: ${why(r)}`);
    return { reinstalled };
  }

  async uninstall(): Promise<{ removed: string[] }> {
    const removed: string[] = [];
    const had = await fs.stat(this.file).then(() => true, () => false);
    if (had || (await this.loaded())) await this.run('launchctl', ['bootout', `${this.domain}/${LABEL}`]);
    if (had) {
      await fs.rm(this.file, { force: true });
      removed.push(this.file);
    }
    if (await fs.stat(this.logs).then(() => true, () => false)) {
      await fs.rm(this.logs, { recursive: true, force: true });
      removed.push(this.logs);
    }
    return { removed };
  }

  async status(): Promise<ServiceStatus> {
    const text = await fs.readFile(this.file, 'utf8').catch(() => null);
    const base = { file: this.file, logs: path.join(this.logs, 'daemon.log') };
    if (text === null) return { ...base, installed: false, enabled: false, active: false, state: 'not installed', args: null };
    const p = await this.run('launchctl', ['print', `${this.domain}/${LABEL}`]);
    const state = p.code === 0 ? (/^\s*state = (\S+)/m.exec(p.stdout)?.[1] ?? 'loaded') : 'not loaded';
    return { ...base, installed: true, enabled: p.code === 0, active: state === 'running', state, args: argsAfterScript(plistArguments(text)) };
  }
}
