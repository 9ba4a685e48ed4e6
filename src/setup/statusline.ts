// Wires `claude-gauge statusline` into Claude Code's settings.json: merges, keeps a backup,
// chains the status line that was there, and can undo all of it.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { backupFile, readSettings, writeSettings } from './settings.js';

export interface StatusLineSetting {
  type: 'command';
  command: string;
  padding?: number;
  [k: string]: unknown;
}

export interface SetupRecord {
  version: 1;
  settingsPath: string;
  /** What statusLine held before we touched it (null: nothing). */
  previous: unknown;
  installed: StatusLineSetting;
  backup: string | null;
  /** There was no settings file before the first install: undoing everything removes the one we made. */
  createdFile?: boolean;
}

const MARK = 'claude-gauge';

export function recordFile(stateDir: string): string {
  return path.join(stateDir, 'setup-statusline.json');
}

/** POSIX shell single-quoting; Claude Code runs the command through a shell. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_\/.:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function isOurs(setting: unknown): boolean {
  const cmd = (setting as { command?: unknown } | null)?.command;
  return typeof cmd === 'string' && cmd.includes(MARK) && cmd.includes('statusline');
}

export interface InstallResult {
  settingsPath: string;
  installed: StatusLineSetting;
  chained: string | null;
  backup: string | null;
  changed: boolean;
}

export async function installStatusline(o: { settingsPath: string; stateDir: string; baseCommand: string; dryRun?: boolean }): Promise<InstallResult> {
  const settings = await readSettings(o.settingsPath);
  const current = settings.statusLine;
  const prior = await readRecord(o.stateDir);
  // Re-running setup must not chain us to ourselves: keep the original previous setting.
  const previous = isOurs(current) && prior ? prior.previous : isOurs(current) ? null : current ?? null;
  const prevCommand = (previous as { command?: unknown } | null)?.command;
  const chained = typeof prevCommand === 'string' && prevCommand.trim() ? prevCommand : null;
  const installed: StatusLineSetting = {
    ...(previous && typeof previous === 'object' ? (previous as object) : {}),
    type: 'command',
    command: chained ? `${o.baseCommand} --chain ${shellQuote(chained)}` : o.baseCommand,
  };
  const changed = JSON.stringify(current) !== JSON.stringify(installed);
  let backup: string | null = null;
  if (!o.dryRun && changed) {
    backup = await backupFile(o.settingsPath);
    const createdFile = prior ? prior.createdFile === true : !(await exists(o.settingsPath));
    await writeSettings(o.settingsPath, { ...settings, statusLine: installed });
    const record: SetupRecord = { version: 1, settingsPath: o.settingsPath, previous, installed, backup: prior?.backup ?? backup, createdFile };
    await writeFileAtomic(recordFile(o.stateDir), JSON.stringify(record, null, 2) + '\n');
  }
  return { settingsPath: o.settingsPath, installed, chained, backup, changed };
}

export async function uninstallStatusline(o: { settingsPath: string; stateDir: string }): Promise<{ restored: unknown; changed: boolean }> {
  const settings = await readSettings(o.settingsPath);
  if (!isOurs(settings.statusLine)) return { restored: settings.statusLine ?? null, changed: false };
  const record = await readRecord(o.stateDir);
  const previous = record?.previous ?? null;
  const next = { ...settings };
  if (previous === null) delete next.statusLine;
  else next.statusLine = previous;
  // We made the file and nothing else is in it: leave no `{}` behind (and no backup of it).
  if (record?.createdFile && Object.keys(next).length === 0) await fs.rm(o.settingsPath, { force: true });
  else {
    await backupFile(o.settingsPath);
    await writeSettings(o.settingsPath, next);
  }
  await fs.rm(recordFile(o.stateDir), { force: true });
  return { restored: previous, changed: true };
}

async function readRecord(stateDir: string): Promise<SetupRecord | null> {
  try {
    const r = JSON.parse(await fs.readFile(recordFile(stateDir), 'utf8'));
    return r && r.version === 1 ? (r as SetupRecord) : null;
  } catch {
    return null;
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(() => true, () => false);
}
