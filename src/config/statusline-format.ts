// Which segments the statusline shows, and in which order: the `statusline` setting. Checked by
// hand rather than through the schema library: the statusline command resolves it on every turn
// of Claude Code and must start fast; config/index.ts wraps the same check for every other command.
import { configFile } from '../util/paths.js';
import { readStateFileSync } from '../util/state-file.js';

/** Every segment, in the order the README's table lists them. */
export const SEGMENTS = ['model', '5h', 'range', '7d', 'cost', 'context', 'tach', 'cache', 'lamps'] as const;
export type SegmentName = (typeof SEGMENTS)[number];

/** The line claude-gauge has always printed. */
export const DEFAULT_FORMAT: readonly SegmentName[] = ['model', '5h', '7d', 'tach', 'cache', 'lamps'];

export const FORMAT_ENV = 'CLAUDE_GAUGE_STATUSLINE';
export const FORMAT_FILE_KEY = 'statusline';

export type FormatResult = { segments: SegmentName[] } | { problem: string; unknown?: string };

const isSegment = (s: string): s is SegmentName => (SEGMENTS as readonly string[]).includes(s);

/** A comma-separated list (flag, environment) or a JSON array of names (config file). */
export function parseFormat(value: unknown): FormatResult {
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : null;
  if (!items) return { problem: `must be segment names, comma-separated (valid: ${SEGMENTS.join(', ')})` };
  const segments: SegmentName[] = [];
  for (const item of items) {
    const name = typeof item === 'string' ? item.trim().toLowerCase() : '';
    if (name === '' && typeof item === 'string') continue; // "model,,5h" or a trailing comma: nothing meant
    if (!isSegment(name)) {
      const shown = typeof item === 'string' ? item.trim() : JSON.stringify(item) ?? String(item);
      return { problem: `unknown segment "${shown}" (valid: ${SEGMENTS.join(', ')})`, unknown: shown };
    }
    if (!segments.includes(name)) segments.push(name);
  }
  if (segments.length === 0) return { problem: `must name at least one segment (valid: ${SEGMENTS.join(', ')})` };
  return { segments };
}

export interface ResolvedFormat {
  segments: readonly SegmentName[];
  /** One line naming the setting and what is wrong with it; the default line is used meanwhile. */
  problem: string | null;
  /** A few words for the line itself, where Claude Code's user sees them (stderr is not shown). */
  note: string | null;
}

/** Flag, then environment, then the config file, then the default: the order of every setting. */
export function resolveFormat(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): ResolvedFormat {
  let raw: unknown;
  let origin: string;
  if (flag !== undefined && flag.trim() !== '') [raw, origin] = [flag, '--format'];
  else if (env[FORMAT_ENV] !== undefined && env[FORMAT_ENV]!.trim() !== '') [raw, origin] = [env[FORMAT_ENV], FORMAT_ENV];
  else {
    const file = configFile(env);
    raw = fileValue(file);
    origin = `"${FORMAT_FILE_KEY}" in ${file}`;
    if (raw === undefined) return { segments: DEFAULT_FORMAT, problem: null, note: null };
  }
  const r = parseFormat(raw);
  if ('segments' in r) return { segments: r.segments, problem: null, note: null };
  const note = r.unknown !== undefined ? `unknown segment "${printable(r.unknown)}"` : 'bad statusline format';
  return { segments: DEFAULT_FORMAT, problem: `invalid ${origin} ${printable(JSON.stringify(raw) ?? String(raw), 200)}: ${r.problem}`, note };
}

/** The setting's value in the config file; undefined when absent or when the file cannot be read (other commands say why). */
function fileValue(file: string): unknown {
  try {
    const text = readStateFileSync(file, 1024 * 1024);
    if (text === null) return undefined;
    const data = JSON.parse(text) as unknown;
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>)[FORMAT_FILE_KEY] : undefined;
  } catch {
    return undefined;
  }
}

/** Shown on a terminal line: no control characters, bounded. */
function printable(s: string, max = 24): string {
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
