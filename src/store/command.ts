// The program a Bash tool call runs, as a person would name it, computed at ingest so the command
// line itself is never stored: `cd app && npm test` runs npm, `MIX_ENV=test mix test` runs mix,
// `sudo -u x /usr/bin/python3 y.py` runs python3, `cat a | grep b` runs cat (the first program of
// a pipeline). Quotes are honoured so an operator inside a string is no operator: shell-quote
// splits the line into words and operators; the rules of which word names the program are ours.
import { parse, type ParseEntry } from 'shell-quote';

/** Words that set up where or how the real command runs; a command line of only these is named by its last. */
const SETUP = new Set(['cd', 'pushd', 'popd', 'export', 'source', '.', 'set', 'unset', 'shopt', 'alias', 'true', ':']);
/** Prefixes that run the command after them: how many plain arguments they take first, and their options that take a value. */
const WRAPPERS: Record<string, { args: number; valued: RegExp | null }> = {
  sudo: { args: 0, valued: /^-[ughpCDUrtT]$/ }, // sudo -u root cmd
  doas: { args: 0, valued: /^-[uC]$/ },
  env: { args: 0, valued: /^-[uCS]$/ }, // env -u VAR cmd
  nice: { args: 0, valued: /^-n$/ },
  timeout: { args: 1, valued: /^-[sk]$/ }, // timeout -s KILL 30 cmd
  stdbuf: { args: 0, valued: /^-[ioe]$/ },
  time: { args: 0, valued: null },
  nohup: { args: 0, valued: null },
  exec: { args: 0, valued: /^-a$/ },
  command: { args: 0, valued: null },
  builtin: { args: 0, valued: null },
};
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*\+?=/;
const MAX_SCAN = 4000; // characters: the program is named at the start, never deep in a heredoc
const MAX_NAME = 64;

/** The executable's name (no folder), or null when the command runs nothing nameable. */
export function executableOf(command: string): string | null {
  // Each line on its own (a newline ends a command, and a comment ends at it; shell-quote reads newlines as blanks); `$VAR` stays as written.
  const commands = command.slice(0, MAX_SCAN).split(/\r?\n/).flatMap((line) => simpleCommands(words(line)));
  let last: string | null = null;
  for (const words of commands) {
    const name = programOf(words);
    if (!name) continue;
    last = name;
    if (!SETUP.has(name)) return name;
  }
  return last;
}

function programOf(words: string[]): string | null {
  let i = 0;
  let wrapper: string | null = null;
  let wrapperArgs = 0;
  while (i < words.length) {
    const w = words[i];
    if (w === '{' || w === '!' || ASSIGNMENT.test(w)) {
      i++;
    } else if (wrapper && w.startsWith('-')) {
      i += WRAPPERS[wrapper].valued?.test(w) ? 2 : 1;
    } else if (wrapper && wrapperArgs > 0) {
      wrapperArgs--;
      i++; // timeout 30 npm test: the duration
    } else if (Object.hasOwn(WRAPPERS, base(w))) {
      wrapper = base(w);
      wrapperArgs = WRAPPERS[wrapper].args;
      i++;
    } else {
      return name(w);
    }
  }
  return wrapper; // `sudo` alone, `time` alone: the wrapper is the program
}

function name(word: string): string | null {
  const n = base(word);
  return n ? n.slice(0, MAX_NAME) : null;
}

function base(word: string): string {
  return word.replace(/\/+$/, '').split('/').pop() ?? '';
}

/** A line's words and operators; shell-quote refuses a broken `${`, which names no program anyway: the line is read without expansions then. */
function words(line: string): ParseEntry[] {
  try {
    return parse(line, (key) => `$${key}`);
  } catch {
    try {
      return parse(line.replaceAll('$', ' '));
    } catch {
      return line.split(/\s+/).filter(Boolean); // never a reason to lose the record
    }
  }
}

/** The words of each simple command, split at control operators (; & && || | and subshell parentheses); redirections and their targets are no command words. */
function simpleCommands(entries: ParseEntry[]): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  let skipRedirectTarget = false;
  for (const t of entries) {
    if (typeof t === 'string') {
      if (skipRedirectTarget) skipRedirectTarget = false;
      else cur.push(t);
      continue;
    }
    if ('comment' in t) break; // a comment runs to the end of its line
    if (!('op' in t)) continue; // a glob pattern: no program name
    if (/^[<>]|^&>/.test(t.op)) {
      // `2>&1`, `> out.txt`: a descriptor number before, a target after.
      if (cur.length && /^\d+$/.test(cur[cur.length - 1])) cur.pop();
      skipRedirectTarget = true;
      continue;
    }
    if (cur.length) out.push(cur);
    cur = [];
  }
  if (cur.length) out.push(cur);
  return out;
}
