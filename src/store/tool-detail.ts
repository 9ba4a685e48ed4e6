// What the history keeps of a tool call's input and result, and no more: a Bash call's program
// name (never its command line), a file tool's path and extension, whether a result was a
// permission denial, whether a user line was an interrupt.
import path from 'node:path';
import { executableOf } from './command.js';

export interface ToolDetail {
  executable: string | null;
  file: string | null;
  ext: string | null;
}

/** The tools whose input names one file, and the input field that names it. */
export const FILE_TOOLS: Readonly<Record<string, string>> = { Read: 'file_path', Edit: 'file_path', Write: 'file_path', MultiEdit: 'file_path', NotebookEdit: 'notebook_path' };
const MAX_PATH = 1024;

export function toolDetail(name: string, input: unknown): ToolDetail {
  const i = input && typeof input === 'object' ? (input as Record<string, unknown>) : {};
  if (name === 'Bash' && typeof i.command === 'string') return { executable: executableOf(i.command), file: null, ext: null };
  const field = Object.hasOwn(FILE_TOOLS, name) ? FILE_TOOLS[name] : null;
  const file = field ? i[field] : null;
  if (typeof file === 'string' && file && file.length <= MAX_PATH) return { executable: null, file, ext: extensionOf(file) };
  return { executable: null, file: null, ext: null };
}

/** Lower-case extension without the dot; '' for none (Makefile) and for dot files (.bashrc). */
export function extensionOf(file: string): string {
  const ext = path.posix.extname(file.replace(/\\/g, '/'));
  return ext.length > 1 && ext.length <= 16 ? ext.slice(1).toLowerCase() : '';
}

// Claude Code's answers to a tool call that did not run because permission was refused:
// - the user answered No at the prompt (with or without a note), Claude Code's REJECT message;
// - a deny rule in the settings refused it;
// - nobody was there to ask (print mode, dontAsk) and no rule allowed it.
// An interrupt (Esc while a tool runs) reads "doesn't want to take this action right now": no denial.
const DENIALS: [RegExp, Denial][] = [
  [/^The user doesn't want to proceed with this tool use\./, 'rejected'],
  [/^Permission to use \S+ .*has been denied/, 'rule'],
  [/^Claude requested permissions? to .* but you haven't granted it yet/, 'not_granted'],
];

export type Denial = 'rejected' | 'rule' | 'not_granted';

/** The kind of permission denial a tool_result reports, or null when it is none. */
export function denialOf(block: { is_error?: unknown; content?: unknown }, toolUseResult: unknown): Denial | null {
  if (block.is_error !== true) return null;
  if (toolUseResult === 'User rejected tool use') return 'rejected';
  const text = typeof block.content === 'string' ? block.content : Array.isArray(block.content) ? block.content.find((c) => c?.type === 'text' && typeof c.text === 'string')?.text ?? '' : '';
  for (const [re, kind] of DENIALS) if (re.test(text.slice(0, 2000))) return kind;
  return null;
}

/** The interrupt a user line records: Esc during a reply ('turn') or while a tool ran or waited for permission ('tool'). */
export function interruptOf(text: string): 'turn' | 'tool' | null {
  const t = text.trimStart();
  if (t.startsWith('[Request interrupted by user for tool use]')) return 'tool';
  if (t.startsWith('[Request interrupted by user')) return 'turn';
  return null;
}
