// Compiles the AssemblyScript sources (src/**/*.as.ts) to WebAssembly in dist/wasm, where
// src/util/package-files.ts finds them for the compiled modules and the bundle alike.
//   node dist/scripts/wasm.js        (npm run build does it after tsc)
import asc from 'assemblyscript/dist/asc.js';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Each module: its source, and the name its .wasm goes by in dist/wasm. */
export const WASM_MODULES = [{ source: 'src/sources/transcripts/usage-lines.as.ts', name: 'usage-lines' }];

export async function compileWasm(): Promise<void> {
  mkdirSync(path.join(ROOT, 'dist', 'wasm'), { recursive: true });
  for (const m of WASM_MODULES) {
    // No runtime and no allocator: the host owns the memory and passes byte offsets. SIMD is
    // part of WebAssembly 2.0, which Node has run by default since 16.4.
    const out = path.join(ROOT, 'dist', 'wasm', `${m.name}.wasm`);
    const { error, stderr } = await asc.main([path.join(ROOT, m.source), '--outFile', out, '-O3', '--runtime', 'stub', '--noAssert', '--enable', 'simd']);
    if (error) throw new Error(`${m.source}: ${error.message}\n${stderr.toString()}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await compileWasm();
