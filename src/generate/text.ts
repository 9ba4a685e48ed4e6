// Filler text for generated transcripts: prompts, prose, code-like tool output. Large outputs
// are slices of a pool built once from a fixed seed, so megabytes cost little CPU.
import { Prng } from './prng.js';

const WORDS = (
  'the a to of and in for is on that with this it we be as are by not from at or can should ' +
  'function test build error config cache request response token session file module server ' +
  'client handler parser stream buffer schema route query index value type field state event ' +
  'update render check fix add remove refactor migrate deploy log retry timeout limit queue ' +
  'worker job batch table column user account payment invoice order item price metric gauge ' +
  'daemon watcher offset block window hour rate budget usage model prompt output input read ' +
  'write path folder commit branch merge review lint format compile bundle release version'
).split(' ');

const VERBS = ['Fix', 'Add', 'Refactor', 'Explain', 'Update', 'Investigate', 'Rename', 'Write tests for', 'Speed up', 'Clean up', 'Document', 'Review'];
const THINGS = ['the retry logic', 'the login flow', 'the cache layer', 'the CSV export', 'the failing CI job', 'the parser', 'the rate limiter', 'the settings page', 'the migration', 'the websocket handler', 'the billing report', 'error handling'];
const EXTS = ['ts', 'tsx', 'py', 'go', 'rs', 'ex', 'md', 'json', 'sql', 'yaml'];
const DIRS = ['src', 'lib', 'src/api', 'src/core', 'test', 'app/models', 'internal/store', 'cmd', 'web/components', 'scripts'];
const ADJ = ['modular', 'radiant', 'lexical', 'quiet', 'brisk', 'amber', 'velvet', 'curious', 'gentle', 'hidden', 'silver', 'patient'];
const GER = ['petting', 'floating', 'painting', 'dancing', 'humming', 'wandering', 'folding', 'sorting', 'drifting', 'baking'];
const NOUN = ['thompson', 'music', 'whisper', 'lantern', 'harbor', 'meadow', 'comet', 'pebble', 'orchard', 'beacon'];

export function words(r: Prng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += (i ? ' ' : '') + r.pick(WORDS);
  return s;
}

export function sentence(r: Prng, lo = 6, hi = 18): string {
  const w = words(r, r.int(lo, hi));
  return w[0].toUpperCase() + w.slice(1) + '.';
}

export function paragraph(r: Prng, sentences: number): string {
  const out: string[] = [];
  for (let i = 0; i < sentences; i++) out.push(sentence(r));
  return out.join(' ');
}

export function prompt(r: Prng, file: string): string {
  const head = `${r.pick(VERBS)} ${r.pick(THINGS)} in ${file}`;
  return r.chance(0.5) ? head : `${head}. ${paragraph(r, r.int(1, 4))}`;
}

export function slug(r: Prng): string {
  return `${r.pick(ADJ)}-${r.pick(GER)}-${r.pick(NOUN)}`;
}

export function filePath(r: Prng, cwd: string): string {
  return `${cwd}/${r.pick(DIRS)}/${r.pick(WORDS)}_${r.pick(WORDS)}.${r.pick(EXTS)}`;
}

// ---- pooled bulk text ---------------------------------------------------------------------

const POOL_LINES = 4096;
let codePool: string[] | null = null;
let sigPool: string | null = null;

function code(): string[] {
  if (codePool) return codePool;
  const r = new Prng(0xc0de);
  const pool: string[] = [];
  const id = (): string => r.pick(WORDS) + r.pick(WORDS).replace(/^./, (c) => c.toUpperCase());
  for (let i = 0; i < POOL_LINES; i++) {
    const ind = '  '.repeat(r.int(0, 4));
    const k = r.int(0, 9);
    if (k === 0) pool.push('');
    else if (k === 1) pool.push(`${ind}// ${words(r, r.int(3, 12))}`);
    else if (k === 2) pool.push(`${ind}if (${id()} === null || ${id()}.length > ${r.int(0, 500)}) {`);
    else if (k === 3) pool.push(`${ind}}`);
    else if (k === 4) pool.push(`${ind}return ${id()}(${id()}, "${words(r, 2)}");`);
    else if (k === 5) pool.push(`${ind}export async function ${id()}(${id()}: ${r.pick(['string', 'number', 'Buffer', 'Options'])}) {`);
    else if (k === 6) pool.push(`${ind}const ${id()} = await ${id()}.${id()}({ ${id()}: ${r.int(1, 9999)} });`);
    else if (k === 7) pool.push(`${ind}${id()}.push(\`${words(r, 3)} \${${id()}}\`);`);
    else if (k === 8) pool.push(`${ind}throw new Error('${words(r, r.int(2, 6))}');`);
    else pool.push(`${ind}${id()} += ${id()} * ${r.int(2, 64)}; // ${words(r, 2)}`);
  }
  codePool = pool;
  return pool;
}

/** `n` consecutive code-like lines starting at a random place in the pool. */
export function codeLines(r: Prng, n: number): string[] {
  const pool = code();
  const at = r.int(0, POOL_LINES - 1);
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = pool[(at + i) % POOL_LINES];
  return out;
}

/** File contents as the Read tool shows them: right-aligned line numbers and an arrow. */
export function numbered(lines: string[], start = 1): string {
  let s = '';
  for (let i = 0; i < lines.length; i++) {
    const n = String(start + i);
    s += (i ? '\n' : '') + ' '.repeat(Math.max(0, 6 - n.length)) + n + '→' + lines[i];
  }
  return s;
}

/** Output of a shell command: build/test log lines. */
export function shellOutput(r: Prng, n: number): string {
  const lines = codeLines(r, n);
  for (let i = 0; i < lines.length; i++) {
    const k = (i * 7 + lines[i].length) % 5;
    if (k === 0) lines[i] = `ok ${i + 1} - ${lines[i].trim()} (${(i * 13) % 97}ms)`;
    else if (k === 1) lines[i] = `warning: ${lines[i].trim()}`;
  }
  return lines.join('\n');
}

/** An opaque base64 blob like a thinking block's signature. */
export function signature(r: Prng): string {
  if (!sigPool) {
    const p = new Prng(0x5169);
    const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    let s = '';
    for (let i = 0; i < 65536; i++) s += b64[p.u32() & 63];
    sigPool = s;
  }
  const len = 4 * r.int(60, 400);
  const at = r.int(0, sigPool.length - len - 1);
  return 'Eu' + sigPool.slice(at, at + len - 2);
}
