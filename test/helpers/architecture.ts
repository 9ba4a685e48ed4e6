// The architecture checker: given a tree and a table of layers and rules, list every import that
// breaks a rule and every file over the line limit. It knows nothing of claude-gauge's own layers
// (those are in test/architecture.test.ts), so it can be tried on a small tree with planted faults.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cruise, getAvailableTranspilers } from 'dependency-cruiser';

/** A layer is a set of paths relative to the root: a folder ends in '/', anything else is one file. */
export type Layers = Record<string, readonly string[]>;

/** What a layer may import: only the layers in `only`, or anything but the layers in `not`. */
export interface Rule {
  readonly layer: string;
  readonly only?: readonly string[];
  readonly not?: readonly string[];
  /** The rule in words, printed with every violation. */
  readonly says: string;
}

export interface Architecture {
  /** The folder whose files are checked, relative to the root (e.g. 'src'). */
  readonly dir: string;
  readonly layers: Layers;
  readonly rules: readonly Rule[];
  readonly maxLines: number;
  /** Files the import rules skip (a test composes the parts it checks); the line limit still holds. */
  readonly importRulesSkip: RegExp;
}

export interface Violation {
  readonly file: string;
  /** The imported file (or the unresolved specifier); absent for a file-level fault. */
  readonly target?: string;
  /** What is wrong with the file itself, when there is no target (e.g. 'has 700 lines'). */
  readonly fault?: string;
  readonly rule: string;
}

export function describe(v: Violation): string {
  return v.target !== undefined ? `${v.file} imports ${v.target}: ${v.rule}` : `${v.file} ${v.fault}: ${v.rule}`;
}

export function layerOf(file: string, layers: Layers): string | undefined {
  for (const [name, paths] of Object.entries(layers)) {
    if (paths.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p))) return name;
  }
  return undefined;
}

function allows(rule: Rule, target: string): boolean {
  if (rule.only) return rule.only.includes(target);
  return !(rule.not ?? []).includes(target);
}

const posix = (p: string): string => p.split(path.sep).join('/');

function filesUnder(root: string, dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => posix(path.relative(root, path.join(e.parentPath, e.name))))
    .sort();
}

function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** One layer names every folder, so a new folder is placed on purpose, not by default. */
function unplaced(files: readonly string[], arch: Architecture): Violation[] {
  return files
    .filter((f) => layerOf(f, arch.layers) === undefined)
    .map((file) => ({ file, fault: 'is in no layer', rule: 'every file of src/ sits in a layer of the table' }));
}

function tooLong(root: string, files: readonly string[], arch: Architecture): Violation[] {
  const out: Violation[] = [];
  for (const file of files) {
    const lines = lineCount(readFileSync(path.join(root, file), 'utf8'));
    if (lines > arch.maxLines) out.push({ file, fault: `has ${lines} lines`, rule: `no file in ${arch.dir}/ over ${arch.maxLines} lines` });
  }
  return out;
}

async function badImports(root: string, arch: Architecture): Promise<Violation[]> {
  // Without the TypeScript compiler dependency-cruiser falls back to a JavaScript parser that
  // cannot read these files, and would find no imports at all: a check that could never fail.
  if (!getAvailableTranspilers().some((t) => t.name === 'typescript' && t.available)) {
    throw new Error('dependency-cruiser cannot find the typescript package: the import graph cannot be read');
  }
  const { output } = await cruise([arch.dir], {
    baseDir: root,
    // Type-only imports are dependencies too: a source that names an engine type depends on the engine.
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
  });
  if (typeof output === 'string') throw new Error('dependency-cruiser returned text, not a graph');
  const out: Violation[] = [];
  for (const mod of output.modules) {
    const file = mod.source;
    if (!file.startsWith(`${arch.dir}/`) || arch.importRulesSkip.test(file)) continue;
    const from = layerOf(file, arch.layers);
    const rule = arch.rules.find((r) => r.layer === from);
    for (const dep of mod.dependencies) {
      if (dep.couldNotResolve) {
        // An unread import is an unchecked one: say so rather than pass it silently.
        if (dep.module.startsWith('.')) out.push({ file, target: dep.module, rule: 'every relative import resolves to a file' });
        continue;
      }
      if (!rule || !dep.resolved.startsWith(`${arch.dir}/`)) continue;
      const to = layerOf(dep.resolved, arch.layers);
      if (to === undefined || to === from) continue;
      if (!allows(rule, to)) out.push({ file, target: dep.resolved, rule: rule.says });
    }
  }
  return out;
}

/** Every violation in the tree at `root`, in a stable order. */
export async function checkArchitecture(root: string, arch: Architecture): Promise<Violation[]> {
  const files = filesUnder(root, arch.dir);
  const found = [...unplaced(files, arch), ...(await badImports(root, arch)), ...tooLong(root, files, arch)];
  const unique = new Map(found.map((v) => [describe(v), v])); // a value and a type import of one file are one dependency
  return [...unique.keys()].sort().map((k) => unique.get(k)!);
}
