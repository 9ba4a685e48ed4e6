// The ESP32 firmware, verified on the host (there is no ESP32 toolchain here): the portable core
// under ASan/UBSan with doctest, the shared cluster vectors replayed through the C++ core, the
// Arduino sketch compiled and run against stubs of the ESP32 APIs, bad pin maps that must not
// compile, and a bounded libFuzzer run on the device-line parser. All of it is firmware/test's
// CMake project; this file configures, builds and runs it in a temporary directory.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promises as fs } from 'node:fs';
import { ROOT, fixtureCopy, isolatedEnv, startServe, tempDir } from './helpers/cli.js';
import { assistant } from './helpers/lines.js';

const SOURCE = path.join(ROOT, 'firmware', 'test');
/** What CI installs (apt-get) for this file. */
const PACKAGES = 'cmake make g++ doctest-dev nlohmann-json3-dev clang-14 libclang-rt-14-dev';

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function fuzzerRuntime(): boolean {
  const r = spawnSync('clang++-14', ['-print-runtime-dir'], { encoding: 'utf8' });
  if (r.status !== 0) return false;
  const dir = r.stdout.trim();
  try {
    return readdirSync(dir).some((f) => f.startsWith('libclang_rt.fuzzer'));
  } catch {
    return false;
  }
}

function missingTools(): string[] {
  const missing: string[] = [];
  if (!onPath('cmake')) missing.push('cmake (cmake)');
  if (!onPath('make')) missing.push('make (make)');
  if (!onPath('g++')) missing.push('g++ (g++)');
  if (!existsSync('/usr/include/doctest/doctest.h')) missing.push('doctest (doctest-dev)');
  if (!existsSync('/usr/include/nlohmann/json.hpp')) missing.push('nlohmann-json (nlohmann-json3-dev)');
  if (!onPath('clang++-14')) missing.push('clang-14 (clang-14)');
  else if (!fuzzerRuntime()) missing.push('libFuzzer runtime (libclang-rt-14-dev)');
  return missing;
}

const missing = missingTools();
/** Outside CI missing tools skip with a message; in CI everything must be there. */
const skip = missing.length > 0 && !process.env.CI ? `missing ${missing.join(', ')}: apt-get install ${PACKAGES}; skipped outside CI` : false;

interface Run {
  code: number | null;
  out: string;
  ms: number;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, LANG: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, ms: Date.now() - started });
    });
  });
}

const tail = (s: string, n = 60) => s.split('\n').slice(-n).join('\n');

let build: string;
let built: Run | undefined;
let passed = 0; // the build directory (~40 MB) is kept for a look when anything failed

before(async () => {
  if (skip) return;
  build = await tempDir('firmware');
  const configure = await run('cmake', ['-S', SOURCE, '-B', build, `-DCLUSTER_VECTORS=${path.join(ROOT, 'spec', 'cluster-vectors.json')}`], 60_000);
  built = configure.code === 0 ? await run('cmake', ['--build', build, '-j', '2'], 170_000) : configure;
});

after(() => {
  if (build && passed === 4) rmSync(build, { recursive: true, force: true });
  else if (build) console.log(`firmware build kept in ${build}`);
});

test('firmware: the core, the sketch on stubs and the fuzzer build with -Wall -Wextra -Werror', { skip, timeout: 240_000 }, () => {
  assert.ok(built, 'the build did not run');
  assert.equal(built.code, 0, tail(built.out));
  passed++;
});

test('firmware: unit tests, cluster vectors, sketch on stubs and pin-map checks pass under ASan/UBSan', { skip, timeout: 120_000 }, async () => {
  assert.equal(built?.code, 0, 'the build failed');
  const r = await run('ctest', ['--test-dir', build, '-LE', 'fuzz', '--output-on-failure'], 110_000);
  assert.equal(r.code, 0, tail(r.out, 120));
  assert.match(r.out, /100% tests passed, 0 tests failed out of \d+/);
  // Each part ran, the deliberately bad pin maps included.
  for (const name of ['core_tests', 'vector_tests', 'sketch_tests', 'pinmap_good', 'pinmap_rejects_input_only', 'pinmap_rejects_flash', 'pinmap_rejects_shared', 'pinmap_rejects_gpio12', 'pinmap_rejects_unexplained_strap'])
    assert.match(r.out, new RegExp(`${name} \\.+\\s+Passed`), `${name} did not pass`);
  passed++;
});

test('firmware: the device-line parser survives a bounded libFuzzer run (20 s or 2 million inputs)', { skip, timeout: 90_000 }, async () => {
  assert.equal(built?.code, 0, 'the build failed');
  const r = await run('ctest', ['--test-dir', build, '-L', 'fuzz', '--output-on-failure', '-V'], 80_000);
  assert.equal(r.code, 0, tail(r.out, 80));
  assert.match(r.out, /Done \d+ runs in \d+ second/);
  passed++;
});

test('firmware: the host simulator polls a real daemon and aims every needle where the daemon says', { skip, timeout: 60_000 }, async () => {
  assert.equal(built?.code, 0, 'the build failed');
  const home = await fixtureCopy();
  const file = path.join(home, 'projects', '-home-dev-sim', 'live.jsonl');
  await fs.mkdir(path.dirname(file), { recursive: true });
  const now = Date.now();
  // Fresh activity, so every needle has somewhere to go: a busy opus response with thinking.
  await fs.writeFile(file, assistant({ id: 'msg_sim', req: 'req_sim', at: now - 1000, input: 40, cacheRead: 60_000, cacheCreation: 9000, output: 900, thinking: 300, session: 'sim' }) + '\n');
  const served = await startServe(isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: await tempDir('state'), CLAUDE_GAUGE_TACH_REDLINE: '100000', CLAUDE_GAUGE_5H_CEILING: '1000000' }));
  try {
    const port = new URL(served.url).port;
    const line = await (await fetch(`${served.url}/device`)).text();
    const r = await run(path.join(build, 'cluster_sim'), ['127.0.0.1', port, '3000'], 20_000);
    assert.equal(r.code, 0, r.out);
    const [, , , fuel, tach, temp, boost, model, flags] = line.trim().split(' ').map(Number);
    // The dial's full scale from the one motor table (spec/motor.json): 308 degrees x 12 microsteps.
    const table = JSON.parse(await fs.readFile(path.join(ROOT, 'spec', 'motor.json'), 'utf8'));
    const fullScale = (table.motor.travelDeg - table.geometry.zeroOffsetDeg - table.geometry.fullScaleMarginDeg) * table.motor.stepsPerDeg;
    const steps = (p: number) => Math.trunc((Math.min(1000, p) * fullScale + 500) / 1000);
    const want = [fuel, tach, temp, boost].map(steps);
    assert.ok(want.every((s) => s > 0), `every gauge is off its stop: ${line}`);
    const m = /targets (\d+) (\d+) (\d+) (\d+) needles (\d+) (\d+) (\d+) (\d+) model (\w+) hot (\d) warn (\d) stall (\d)/.exec(r.out);
    assert.ok(m, r.out);
    assert.deepEqual(m.slice(1, 5).map(Number), want, 'targets = the daemon\'s 0-1000 positions scaled to microsteps');
    assert.deepEqual(m.slice(5, 9).map(Number), want, 'and the needles got there');
    assert.equal(m[9], ['off', 'opus', 'sonnet', 'haiku'][model]);
    assert.equal(m[10], String(flags & 1), 'HOT');
    assert.equal(m[12], String((flags & 4) >> 2), 'STALL');
    passed++;
  } finally {
    await served.stop();
  }
});
