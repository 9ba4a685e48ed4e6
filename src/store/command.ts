// The program a Bash tool call runs, as a person would name it, computed at ingest so the command
// line itself is never stored: `cd app && npm test` runs npm, `MIX_ENV=test mix test` runs mix,
// `sudo -u x /usr/bin/python3 y.py` runs python3, `cat a | grep b` runs cat (the first program of
// a pipeline). Quotes are honoured so an operator inside a string is no operator.

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

type Token = { word: string } | { op: string };

/** The executable's name (no folder), or null when the command runs nothing nameable. */
export function executableOf(command: string): string | null {
  const commands = simpleCommands(tokens(command.slice(0, MAX_SCAN)));
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

/** The words of each simple command, split at ; & && || | and newlines, and at subshell parentheses. */
function simpleCommands(toks: Token[]): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  let skipRedirectTarget = false;
  for (const t of toks) {
    if ('op' in t) {
      if (t.op === '>' || t.op === '<') {
        skipRedirectTarget = true; // `> out.txt`: the file is no command word
        continue;
      }
      if (cur.length) out.push(cur);
      cur = [];
      continue;
    }
    if (skipRedirectTarget) {
      skipRedirectTarget = false;
      continue;
    }
    cur.push(t.word);
  }
  if (cur.length) out.push(cur);
  return out;
}

/** A shell-like tokenizer: words with quotes and backslashes resolved, control operators, redirections, comments. */
function tokens(s: string): Token[] {
  const out: Token[] = [];
  let word = '';
  let inWord = false;
  const end = () => {
    if (inWord) out.push({ word });
    word = '';
    inWord = false;
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "'") {
      const j = s.indexOf("'", i + 1);
      word += s.slice(i + 1, j < 0 ? s.length : j);
      inWord = true;
      i = j < 0 ? s.length : j;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === '\\' && j + 1 < s.length) j++;
        word += s[j];
      }
      inWord = true;
      i = j;
    } else if (c === '\\') {
      if (s[i + 1] !== '\n') word += s[i + 1] ?? '';
      inWord = inWord || s[i + 1] !== '\n';
      i++;
    } else if (c === ' ' || c === '\t') {
      end();
    } else if (c === '#' && !inWord) {
      const nl = s.indexOf('\n', i);
      i = nl < 0 ? s.length : nl - 1; // a comment runs to the end of its line
    } else if (c === '\n' || c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
      // `2>&1` and `&>`: the & belongs to a redirection, not a control operator.
      if (c === '&' && (s[i - 1] === '>' || s[i + 1] === '>')) continue;
      end();
      out.push({ op: c });
    } else if (c === '>' || c === '<') {
      if (/^\d+$/.test(word)) (word = ''), (inWord = false); // 2> : the descriptor number
      end();
      while (s[i + 1] === '>' || s[i + 1] === '&' || s[i + 1] === '<') i++;
      if (s[i + 1] && /\d/.test(s[i + 1]) && s[i] === '&') {
        while (/\d/.test(s[i + 1] ?? '')) i++; // >&2: a descriptor, nothing to skip after it
        continue;
      }
      out.push({ op: c });
    } else {
      word += c;
      inWord = true;
    }
  }
  end();
  return out;
}
