import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const MODULE = fileURLToPath(new URL('./young-generation.js', import.meta.url));

/**
 * A child that allocates as a scan does (short-lived objects, a few kept) on its main thread and in
 * a worker thread, and says how large each one's young generation grew, in MB.
 */
function youngGenerations(call: 'keep' | 'none', env: NodeJS.ProcessEnv = {}): { main: number; worker: number } {
  const script = `
    import v8 from 'node:v8';
    import { Worker, isMainThread, parentPort } from 'node:worker_threads';
    import { keepYoungGenerationSmall, keepYoungGenerationSmallHereToo } from ${JSON.stringify(MODULE)};
    const young = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576;
    const kept = [];
    const churn = () => { for (let i = 0; i < 2e6; i++) { const o = { i, s: 'x' + i, a: [i] }; if (i % 100 === 0) kept.push(o); } };
    if (isMainThread) {
      if (${JSON.stringify(call)} === 'keep') keepYoungGenerationSmall();
      const w = new Worker(new URL(import.meta.url));
      w.once('message', (worker) => { churn(); process.stdout.write(JSON.stringify({ main: young(), worker })); });
    } else {
      keepYoungGenerationSmallHereToo();
      churn();
      parentPort.postMessage(young());
    }`;
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'cg-young-')), 'child.mjs'); // a worker needs a file
  writeFileSync(file, script);
  const out = execFileSync(process.execPath, [file], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return JSON.parse(out);
}

test('asked once, young generations stay at their first size: this thread, and a worker started after (whose start sets the flags back)', () => {
  const grown = youngGenerations('none');
  assert.ok(grown.main >= 8 && grown.worker >= 8, `without it both grow: ${JSON.stringify(grown)}`);
  const kept = youngGenerations('keep');
  assert.ok(kept.main <= 4 && kept.worker <= 4, `asked: ${JSON.stringify(kept)}`);
});

test('the build writing the code cache is left alone: a cache made under a changed flag is one V8 refuses', () => {
  const writing = youngGenerations('keep', { CLAUDE_GAUGE_WRITE_CODE_CACHE: '1' });
  assert.ok(writing.main >= 8, `${JSON.stringify(writing)}`);
});
