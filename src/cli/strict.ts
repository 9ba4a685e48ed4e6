// citty accepts any flag and lets a string flag go without its value: `serve --prot 18130` would
// start on the default port, on the LAN. Checked here before a command runs: what the command
// does not define, or a value that is missing, is one line and exit 2, with the near miss named.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ArgsDef } from 'citty';
import { errorCode } from '../util/errno.js';

/** What is wrong with `words` (the arguments after the command's own name), or null. Node's own strict parser decides. */
export function argProblem(args: ArgsDef | undefined, words: readonly string[]): string | null {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  let positionals = 0;
  for (const [name, def] of Object.entries(args ?? {}) as [string, { type?: string; alias?: string | string[] }][]) {
    if (def.type === 'positional') {
      positionals++;
      continue;
    }
    const short = ([] as string[]).concat(def.alias ?? []).find((a) => a.length === 1);
    options[name] = { type: def.type === 'boolean' ? 'boolean' : 'string', ...(short ? { short } : {}) };
  }
  let given: string[];
  try {
    given = parseArgs({ args: [...words], options, strict: true, allowPositionals: true, allowNegative: true } as ParseArgsConfig).positionals;
  } catch (err) {
    const code = errorCode(err);
    const flag = /'(-[^' ]*)/.exec((err as Error).message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const near = nearest(flag.replace(/^--?(no-)?/, ''), Object.keys(options));
      return `unknown option "${flag}"${near ? ` (did you mean --${near}?)` : ''}`;
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return `option ${flag} needs a value`;
    return (err as Error).message.split('\n')[0];
  }
  return given.length > positionals ? `unexpected argument "${given[positionals]}"` : null;
}

/** The known name within two edits of `word`, if one is clearly closest. */
function nearest(word: string, names: string[]): string | null {
  let best: string | null = null;
  let bestD = 3;
  for (const n of names) {
    const d = distance(word, n);
    if (d < bestD) [best, bestD] = [n, d];
  }
  return best;
}

/** Levenshtein distance with adjacent swaps (an optimal string alignment): `prot` is one edit from `port`. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
