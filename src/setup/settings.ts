// Claude Code's settings.json, as every `setup` and `hooks` command edits it: read as an object,
// backed up before a change (the first backup and the two newest kept, so they do not pile up),
// written whole and atomically.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { errorCode } from '../util/errno.js';

const BACKUP_SUFFIX = '.claude-gauge.bak';
/** Backups kept besides the first (the file as it was before claude-gauge ever touched it). */
const NEWEST_KEPT = 2;

/** Where Claude Code reads its user settings: the first config folder (`CLAUDE_CONFIG_DIR` first), ~/.claude preferred. */
export function settingsPathFor(configDirs: readonly string[], override?: string): string {
  if (override) return path.resolve(override);
  return path.join(configDirs.find((d) => d.endsWith('.claude')) ?? configDirs[0], 'settings.json');
}

export async function readSettings(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return {};
    throw err;
  }
  if (text.trim() === '') return {};
  const data = JSON.parse(text);
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error(`${file} does not hold a JSON object`);
  return data as Record<string, unknown>;
}

export async function writeSettings(file: string, settings: Record<string, unknown>): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(settings, null, 2) + '\n');
}

/** A timestamped copy beside the file (null when there is no file), and the older copies pruned. */
export async function backupFile(file: string): Promise<string | null> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dest = `${file}.${stamp}${BACKUP_SUFFIX}`;
  try {
    await fs.copyFile(file, dest);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return null;
    throw err;
  }
  await pruneBackups(file);
  return dest;
}

async function pruneBackups(file: string): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  const names = (await fs.readdir(dir)).filter((n) => n.startsWith(prefix) && n.endsWith(BACKUP_SUFFIX)).sort(); // ISO stamps sort by time
  const drop = names.slice(1, Math.max(1, names.length - NEWEST_KEPT));
  await Promise.all(drop.map((n) => fs.rm(path.join(dir, n), { force: true })));
}
