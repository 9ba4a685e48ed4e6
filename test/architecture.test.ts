// The pipeline's rules (docs/architecture.md), held by a test: the import graph of src/, read from
// the .ts sources (type-only imports included) by dependency-cruiser, and the length of every file.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { type Architecture, checkArchitecture, describe } from './helpers/architecture.js';
import { ROOT } from './helpers/cli.js';

// The layers: a folder ends in '/'. Every file of src/ must sit in one of them.
const LAYERS = {
  core: ['src/core/'], // event types, snapshot, the validation boundary
  engine: ['src/engine/'], // the pure fold: events in, snapshot out
  sources: ['src/sources/'], // one folder per input; each turns its input into core events
  outputs: ['src/sinks/'], // each renders the snapshot (HTTP, device, terminal, alerts, metrics...)
  // Leaves anyone but core and the engine may use; they know nothing of the pipeline.
  shared: ['src/util/', 'src/config/', 'src/http/', 'src/version.ts', 'src/schema.ts'],
  // Composition: wires the layers together, or works beside them on the history; may import anything.
  composition: [
    'src/daemon/', 'src/cli/', 'src/store/', 'src/calibrate/', 'src/generate/', 'src/demo/',
    'src/faces/', 'src/hooks/', 'src/statusline/', 'src/setup/', 'src/service/',
  ],
} as const;

const RULES = [
  { layer: 'core', only: [], says: 'core imports nothing outside core' },
  { layer: 'engine', only: ['core'], says: 'the engine imports only core' },
  { layer: 'sources', not: ['engine', 'outputs'], says: 'sources import neither the engine nor an output' },
  { layer: 'outputs', not: ['sources'], says: 'outputs import no source' },
  { layer: 'shared', only: [], says: 'util, config and http import nothing of the pipeline' },
];

const ARCHITECTURE: Architecture = {
  dir: 'src',
  layers: LAYERS,
  rules: RULES,
  maxLines: 400,
  // A test beside its module may compose what it checks (a source's test feeds the engine); it
  // still counts against the line limit.
  importRulesSkip: /\.test\.ts$/,
};

test('src/ keeps the pipeline rules and no file is over 400 lines', async () => {
  const lines = (await checkArchitecture(ROOT, ARCHITECTURE)).map(describe);
  assert.equal(lines.length, 0, `${lines.length} violation(s):\n${lines.join('\n')}`);
});

// The checker itself, on a small tree with one planted fault per rule beside imports that are allowed.
test('the checker finds one planted violation of each rule, and nothing that is allowed', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'gauge-architecture-'));
  const put = (file: string, text: string): void => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  try {
    put('src/core/events.ts', "import { fold } from '../engine/fold.js';\nexport type Event = { n: number };\nexport const f = fold;\n");
    put('src/core/snapshot.ts', "import type { Event } from './events.js';\nexport type Snapshot = { last?: Event };\n");
    put('src/engine/fold.ts', "import type { Event } from '../core/events.js';\nimport type { Reading } from '../sources/reader.js';\nimport { clamp } from '../util/clamp.js';\nexport function fold(e: Event, r?: Reading): number { return clamp(e.n) + (r ? 1 : 0); }\n");
    put('src/sources/reader.ts', "import type { Event } from '../core/events.js';\nimport type { fold } from '../engine/fold.js';\nimport { clamp } from '../util/clamp.js';\nexport type Reading = Event & { f?: typeof fold };\nexport const c = clamp;\n");
    put('src/sources/pusher.ts', "export { render } from '../sinks/render.js';\n");
    put('src/sources/reader.test.ts', "import { fold } from '../engine/fold.js';\nexport const t = fold;\n");
    put('src/sinks/render.ts', "import type { Snapshot } from '../core/snapshot.js';\nimport { fold } from '../engine/fold.js';\nimport { c } from '../sources/reader.js';\nexport function render(s: Snapshot): string { return String(s) + fold + c; }\n");
    put('src/util/clamp.ts', "export const clamp = (n: number): number => Math.max(0, n);\n");
    put('src/config/index.ts', "import { clamp } from '../util/clamp.js';\nimport { c } from '../sources/reader.js';\nexport const limit = clamp(1) + String(c);\n");
    put('src/daemon/index.ts', "import { fold } from '../engine/fold.js';\nimport { c } from '../sources/reader.js';\nimport { render } from '../sinks/render.js';\nimport { limit } from '../config/index.js';\nimport { gone } from './missing.js';\nexport const all = [fold, c, render, limit, gone];\n");
    put('src/daemon/long.ts', 'export const x = 1;\n'.repeat(401));
    put('src/daemon/fits.ts', 'export const y = 1;\n'.repeat(400));
    put('src/stray/lost.ts', 'export const z = 1;\n');

    const found = (await checkArchitecture(root, ARCHITECTURE)).map(describe);
    assert.deepEqual(found, [
      'src/config/index.ts imports src/sources/reader.ts: util, config and http import nothing of the pipeline',
      'src/core/events.ts imports src/engine/fold.ts: core imports nothing outside core',
      'src/daemon/index.ts imports ./missing.js: every relative import resolves to a file',
      'src/daemon/long.ts has 401 lines: no file in src/ over 400 lines',
      'src/engine/fold.ts imports src/sources/reader.ts: the engine imports only core',
      'src/engine/fold.ts imports src/util/clamp.ts: the engine imports only core',
      'src/sinks/render.ts imports src/sources/reader.ts: outputs import no source',
      'src/sources/pusher.ts imports src/sinks/render.ts: sources import neither the engine nor an output',
      'src/sources/reader.ts imports src/engine/fold.ts: sources import neither the engine nor an output',
      'src/stray/lost.ts is in no layer: every file of src/ sits in a layer of the table',
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
