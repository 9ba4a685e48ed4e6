// Wires `claude-gauge hook` into Claude Code's settings.json `hooks`: adds one entry per
// event, never touches other hooks, and removes exactly its own entries again.
import { HOOK_EVENTS, type HookEvent } from '../sources/hooks/record.js';
import { backupFile, readSettings, writeSettings } from './settings.js';

interface CommandHook {
  type: string;
  command?: string;
  timeout?: number;
  [k: string]: unknown;
}

interface MatcherGroup {
  matcher?: string;
  hooks: CommandHook[];
  [k: string]: unknown;
}

type HooksSetting = Record<string, MatcherGroup[]>;

/** Tool events take a matcher; the others ignore it (Claude Code's documented format). */
const TOOL_EVENTS: ReadonlySet<HookEvent> = new Set(['PreToolUse', 'PostToolUse']);
/** Seconds Claude Code waits before it cancels the hook; ours returns in milliseconds. */
const TIMEOUT_S = 5;

export function isOurHook(h: unknown): boolean {
  const cmd = (h as { command?: unknown } | null)?.command;
  return typeof cmd === 'string' && cmd.includes('claude-gauge') && /\shook(\s|$)/.test(cmd);
}

function groups(v: unknown): MatcherGroup[] {
  return Array.isArray(v) ? (v.filter((g) => g && typeof g === 'object' && Array.isArray((g as MatcherGroup).hooks)) as MatcherGroup[]) : [];
}

/** `hooks` without any of ours; groups and events left empty by that are dropped. */
export function withoutOurs(hooks: HooksSetting): HooksSetting {
  const out: HooksSetting = {};
  for (const [event, list] of Object.entries(hooks)) {
    if (!Array.isArray(list)) {
      out[event] = list; // not ours to judge
      continue;
    }
    const kept: MatcherGroup[] = [];
    for (const g of list) {
      if (!g || typeof g !== 'object' || !Array.isArray((g as MatcherGroup).hooks)) {
        kept.push(g);
        continue;
      }
      const rest = g.hooks.filter((h) => !isOurHook(h));
      if (rest.length === g.hooks.length) kept.push(g);
      else if (rest.length > 0) kept.push({ ...g, hooks: rest });
    }
    if (kept.length > 0) out[event] = kept;
  }
  return out;
}

/** `hooks` with exactly one entry of ours per event, after whatever was there. */
export function withOurs(hooks: HooksSetting, command: string): HooksSetting {
  const out = withoutOurs(hooks);
  for (const event of HOOK_EVENTS) {
    const entry: MatcherGroup = { ...(TOOL_EVENTS.has(event) ? { matcher: '*' } : {}), hooks: [{ type: 'command', command, timeout: TIMEOUT_S }] };
    const current = out[event] ?? [];
    if (!Array.isArray(current)) throw new Error(`"hooks.${event}" in the settings is not a list; fix it by hand first`);
    out[event] = [...current, entry];
  }
  return out;
}

function hooksOf(settings: Record<string, unknown>): HooksSetting {
  const h = settings.hooks;
  if (h === undefined || h === null) return {};
  if (typeof h !== 'object' || Array.isArray(h)) throw new Error('"hooks" in the settings is not an object; fix it by hand first');
  return h as HooksSetting;
}

export interface HooksChange {
  settingsPath: string;
  changed: boolean;
  backup: string | null;
  hooks: HooksSetting;
}

export async function installHooks(o: { settingsPath: string; command: string; dryRun?: boolean }): Promise<HooksChange> {
  const settings = await readSettings(o.settingsPath);
  const before = hooksOf(settings);
  const after = withOurs(before, o.command);
  return save(o.settingsPath, settings, before, after, o.dryRun);
}

export async function uninstallHooks(o: { settingsPath: string; dryRun?: boolean }): Promise<HooksChange> {
  const settings = await readSettings(o.settingsPath);
  const before = hooksOf(settings);
  return save(o.settingsPath, settings, before, withoutOurs(before), o.dryRun);
}

/** Events that carry our hook, for `hooks status`. */
export async function installedEvents(settingsPath: string): Promise<string[]> {
  const h = hooksOf(await readSettings(settingsPath));
  return Object.keys(h).filter((e) => groups(h[e]).some((g) => g.hooks.some(isOurHook)));
}

async function save(file: string, settings: Record<string, unknown>, before: HooksSetting, after: HooksSetting, dryRun?: boolean): Promise<HooksChange> {
  const changed = JSON.stringify(before) !== JSON.stringify(after);
  let backup: string | null = null;
  if (changed && !dryRun) {
    backup = await backupFile(file);
    const next = { ...settings, hooks: after };
    if (Object.keys(after).length === 0) delete (next as Record<string, unknown>).hooks;
    await writeSettings(file, next);
  }
  return { settingsPath: file, changed, backup, hooks: after };
}
