// Tool calls an assistant makes and what they return, sized like real transcripts: most results
// are a few KB, a long tail runs to tens of KB (and the record stores the output twice: once in
// the tool_result content, once in `toolUseResult`).
import type { Prng } from './prng.js';
import type { Rec } from './records.js';
import type { SessionCtx } from './session.js';
import { codeLines, filePath, numbered, paragraph, sentence, shellOutput, words } from './text.js';

export type ToolName = 'Read' | 'Bash' | 'Edit' | 'Write' | 'Grep' | 'Glob' | 'WebFetch' | 'TodoWrite' | 'Task';

export interface ToolOutcome {
  /** tool_result content (string or blocks). */
  content: unknown;
  /** The record's `toolUseResult`. */
  result: unknown;
  /** How long the tool ran. */
  ms: number;
  isError: boolean;
  /** Rough size of what enters the context, in characters. */
  chars: number;
}

const MAIN: readonly (readonly [ToolName, number])[] = [
  ['Read', 30], ['Bash', 25], ['Edit', 18], ['Grep', 8], ['Glob', 5], ['Write', 4], ['TodoWrite', 3], ['WebFetch', 2], ['Task', 4],
];
const SUB: readonly (readonly [ToolName, number])[] = [['Read', 45], ['Grep', 20], ['Glob', 15], ['Bash', 15], ['WebFetch', 5]];

export function pickTool(r: Prng, subagents: boolean, inSubagent: boolean): ToolName {
  if (inSubagent) return r.weighted(SUB);
  const t = r.weighted(MAIN);
  return t === 'Task' && !subagents ? 'Read' : t;
}

const clampInt = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, Math.round(v)));

/** The tool_use `input` for a call. */
export function toolInput(r: Prng, c: SessionCtx, name: ToolName): Rec {
  const file = filePath(r, c.cwd);
  switch (name) {
    case 'Read':
      return r.chance(0.8) ? { file_path: file } : { file_path: file, offset: r.int(1, 400), limit: r.int(50, 300) };
    case 'Bash':
      return { command: `${r.pick(['npm test', 'npx tsc --noEmit', 'git status', 'git diff --stat', 'ls -la', 'make build', 'pytest -q', 'cargo test'])} 2>&1 | tail -${r.int(20, 200)}`, description: sentence(r, 3, 7), timeout: 120000 };
    case 'Edit':
      return { file_path: file, old_string: codeLines(r, r.int(2, 12)).join('\n'), new_string: codeLines(r, r.int(2, 20)).join('\n'), replace_all: false };
    case 'Write':
      return { file_path: file, content: codeLines(r, clampInt(r.logNormal(70, 0.8), 5, 900)).join('\n') };
    case 'Grep':
      return { pattern: words(r, 1), path: c.cwd, output_mode: 'content', '-n': true };
    case 'Glob':
      return { pattern: `**/*.${r.pick(['ts', 'py', 'go', 'md', 'json'])}`, path: c.cwd };
    case 'WebFetch':
      return { url: `https://docs.example.com/${words(r, 2).replace(' ', '/')}`, prompt: sentence(r) };
    case 'TodoWrite':
      return { todos: Array.from({ length: r.int(2, 7) }, () => ({ content: sentence(r, 3, 9), status: r.pick(['pending', 'in_progress', 'completed']), activeForm: sentence(r, 3, 8) })) };
    case 'Task':
      return { description: sentence(r, 2, 5), subagent_type: r.pick(['Explore', 'general-purpose', 'Plan']), prompt: paragraph(r, r.int(2, 8)) };
  }
}

/** Runs a (non-Task) tool: returns its output. */
export function runTool(r: Prng, name: ToolName, input: Rec): ToolOutcome {
  const file = String(input.file_path ?? '');
  switch (name) {
    case 'Read': {
      const n = clampInt(r.logNormal(70, 1.1), 3, 2000);
      const lines = codeLines(r, n);
      const start = Number(input.offset ?? 1);
      const content = numbered(lines, start);
      const text = lines.join('\n');
      return { content, result: { type: 'text', file: { filePath: file, content: text, numLines: n, startLine: start, totalLines: n + start - 1 + r.int(0, 300) } }, ms: r.int(20, 400), isError: false, chars: content.length };
    }
    case 'Bash': {
      if (r.chance(0.06)) {
        const out = shellOutput(r, r.int(3, 40));
        return { content: `Exit code 1\n${out}`, result: `Error: Exit code 1\n${out}`, ms: r.int(300, 20000), isError: true, chars: out.length };
      }
      const out = shellOutput(r, clampInt(r.logNormal(14, 1.4), 0, 4000));
      return { content: out, result: { stdout: out, stderr: '', interrupted: false, isImage: false }, ms: clampInt(r.logNormal(2500, 1.3), 30, 600000), isError: false, chars: out.length };
    }
    case 'Edit': {
      const original = codeLines(r, clampInt(r.logNormal(160, 0.8), 10, 2500)).join('\n');
      const oldS = String(input.old_string);
      const newS = String(input.new_string);
      const at = r.int(1, 400);
      const patch = [{ oldStart: at, oldLines: oldS.split('\n').length, newStart: at, newLines: newS.split('\n').length, lines: [...oldS.split('\n').map((l) => `-${l}`), ...newS.split('\n').map((l) => `+${l}`)] }];
      const content = `The file ${file} has been updated successfully.`;
      return { content, result: { filePath: file, oldString: oldS, newString: newS, originalFile: original, structuredPatch: patch, userModified: false, replaceAll: false }, ms: r.int(40, 600), isError: false, chars: content.length };
    }
    case 'Write': {
      const content = `File created successfully at: ${file}`;
      return { content, result: { type: 'create', filePath: file, content: input.content, structuredPatch: [] }, ms: r.int(20, 300), isError: false, chars: content.length };
    }
    case 'Grep': {
      const lines = codeLines(r, clampInt(r.logNormal(8, 1.1), 0, 400)).map((l, i) => `${r.int(1, 900) + i}:${l}`);
      const content = lines.length ? lines.join('\n') : 'No matches found';
      return { content, result: { mode: 'content', numFiles: 0, filenames: [], content, numLines: lines.length }, ms: r.int(30, 900), isError: false, chars: content.length };
    }
    case 'Glob': {
      const cwd = String(input.path ?? '');
      const files = Array.from({ length: clampInt(r.logNormal(10, 1), 0, 300) }, () => filePath(r, cwd));
      const content = files.length ? files.join('\n') : 'No files found';
      return { content, result: { filenames: files, durationMs: r.int(5, 300), numFiles: files.length, truncated: false }, ms: r.int(10, 400), isError: false, chars: content.length };
    }
    case 'WebFetch': {
      const text = paragraph(r, r.int(6, 40));
      return { content: text, result: { bytes: text.length * 7, code: 200, codeText: 'OK', result: text, durationMs: r.int(800, 9000), url: input.url }, ms: r.int(800, 9000), isError: false, chars: text.length };
    }
    case 'TodoWrite': {
      const content = 'Todos have been modified successfully. Ensure that you continue to use the todo list to track your progress. Please proceed with the current tasks if applicable';
      return { content, result: { oldTodos: [], newTodos: input.todos }, ms: r.int(5, 50), isError: false, chars: content.length };
    }
    case 'Task':
      throw new Error('Task runs a subagent: see turn.ts');
  }
}
