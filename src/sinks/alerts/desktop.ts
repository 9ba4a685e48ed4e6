// Desktop notifications through the platform's own tool, behind a narrow runner so tests
// (and machines without a desktop session) can stand in for it.
import { execFile } from 'node:child_process';
import type { Alert } from './rules.js';
import { errorCode } from '../../util/errno.js';

/** Runs a program with arguments; resolves when it ends, rejects on failure. */
export type Runner = (file: string, args: string[]) => Promise<void>;

export const execRunner: Runner = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 10_000, windowsHide: true }, (err) => (err ? reject(err) : resolve()));
  });

/** The command that shows `a` on this platform, or null where there is none. */
export function notifyCommand(a: Alert, platform: NodeJS.Platform = process.platform): { file: string; args: string[] } | null {
  if (platform === 'linux' || platform === 'freebsd' || platform === 'openbsd') {
    const urgency = a.kind === 'stall' || a.kind === 'hot' ? 'critical' : 'normal';
    return { file: 'notify-send', args: ['--app-name=claude-gauge', `--urgency=${urgency}`, a.title, a.message] };
  }
  if (platform === 'darwin') {
    // AppleScript string literals: escape backslashes and quotes.
    const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    return { file: 'osascript', args: ['-e', `display notification ${q(a.message)} with title ${q(a.title)}`] };
  }
  return null;
}

export class Desktop {
  private warned = false;

  constructor(private readonly run: Runner = execRunner, private readonly log?: (msg: string) => void, private readonly platform: NodeJS.Platform = process.platform) {}

  /** Shows the notification in the background; a missing tool is reported once. */
  send(a: Alert): Promise<void> {
    const cmd = notifyCommand(a, this.platform);
    if (!cmd) return Promise.resolve();
    return this.run(cmd.file, cmd.args).catch((e: Error) => {
      if (this.warned) return;
      this.warned = true;
      this.log?.(errorCode(e) === 'ENOENT' ? `desktop alerts: ${cmd.file} not found (install libnotify-bin, or set CLAUDE_GAUGE_ALERT_DESKTOP=off)` : `desktop alerts: ${cmd.file} failed: ${e.message}`);
    });
  }
}
