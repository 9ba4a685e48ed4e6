// The bundled program (dist/bundle, what bin/ runs) against the compiled modules (dist/src):
// every module started on its own is an entry of the bundle, and both builds give the same answers.
import assert from 'node:assert/strict';
import { existsSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { test } from 'node:test';
import { ENTRIES, ONE_FILE } from '../scripts/bundle.js';
import { RUNS } from '../scripts/code-cache.js';
import { REPORT_COMMANDS } from '../src/cli/report-commands.js';
import { BIN, FIXTURES, isolatedEnv, ROOT, runCli, startServe, tempDir } from './helpers/cli.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path.join(dir, e.name)] : [],
  );
}

test('every module started on its own (workers, child processes, the fast paths) is built into the bundle', () => {
  const started = new Set<string>();
  for (const file of sources(path.join(ROOT, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/entryUrl\('([^']+)'\)/g)) started.add(m[1]);
  }
  const bin = readFileSync(path.join(ROOT, 'bin', 'claude-gauge.cjs'), 'utf8');
  for (const m of bin.matchAll(/load\('([^']+)'/g)) started.add(m[1]);
  // Both ways: no entry is missing, and none is left over from a module no longer started alone.
  assert.deepEqual([...started].sort(), [...ENTRIES].sort());
  for (const name of started) {
    assert.ok(ENTRIES.includes(name), `${name} is started on its own but is not an entry of the bundle (scripts/bundle.ts)`);
    const built = `${name}.${ONE_FILE.has(name) ? 'cjs' : 'js'}`;
    assert.ok(existsSync(path.join(ROOT, 'dist', 'bundle', built)), `dist/bundle/${built} is missing`);
    assert.ok(existsSync(path.join(ROOT, 'dist', 'src', `${name}.js`)), `dist/src/${name}.js is missing`);
  }
});

test('the bundle and the compiled modules report the same blocks and the same gauges', async () => {
  const home = await tempDir('cg-bundle-');
  const env = (noBundle: boolean) => isolatedEnv({ HOME: home, CLAUDE_CONFIG_DIR: FIXTURES, CLAUDE_GAUGE_STATE_DIR: home, ...(noBundle ? { CLAUDE_GAUGE_NO_BUNDLE: '1' } : {}) });
  for (const args of [['blocks', '--json'], ['usage', '--compact', '--now', '2026-02-12T20:30:00Z']]) {
    const [bundled, modules] = await Promise.all([runCli(args, { env: env(false) }), runCli(args, { env: env(true) })]);
    assert.equal(bundled.code, 0, bundled.stderr);
    assert.equal(modules.code, 0, modules.stderr);
    const strip = (s: string) => s.replace(/"(updated_at|generated_at)":"[^"]*"/g, '');
    assert.ok(bundled.stdout.length > 100, `${args[0]} printed ${bundled.stdout.length} bytes`);
    assert.equal(strip(bundled.stdout), strip(modules.stdout), `${args.join(' ')} differs between the builds`);
  }
});

test('serve from the bundle answers /usage at once and the page through the lazily loaded adapter', async () => {
  const home = await tempDir('cg-bundle-serve-');
  const served = await startServe(isolatedEnv({ HOME: home, CLAUDE_CONFIG_DIR: FIXTURES, CLAUDE_GAUGE_STATE_DIR: home, CLAUDE_GAUGE_HISTORY: 'off' }), ['--mdns', 'off']);
  try {
    const usage = await fetch(`${served.url}/usage`);
    assert.equal(usage.status, 200);
    assert.ok(typeof (await usage.json()).window_5h_tokens === 'number');
    const page = await fetch(`${served.url}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<svg|<html/i);
    const missing = await fetch(`${served.url}/no-such-thing`);
    assert.equal(missing.status, 404);
  } finally {
    await served.stop();
  }
});

test('bin runs the bundle only while it is as new as the compiled modules (a bare tsc leaves it stale)', async () => {
  // A copy of the package whose bundle would fail loudly if it were run.
  const pkg = await tempDir('cg-bundle-stale-');
  await fs.cp(path.join(ROOT, 'bin'), path.join(pkg, 'bin'), { recursive: true });
  await fs.cp(path.join(ROOT, 'dist', 'src'), path.join(pkg, 'dist', 'src'), { recursive: true });
  await fs.cp(path.join(ROOT, 'package.json'), path.join(pkg, 'package.json'));
  await fs.symlink(path.join(ROOT, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
  const bundleIndex = path.join(pkg, 'dist', 'bundle', 'cli', 'index.cjs');
  await fs.mkdir(path.dirname(bundleIndex), { recursive: true });
  await fs.writeFile(bundleIndex, 'throw new Error("the stale bundle ran");\n');
  const run = () => new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, [path.join(pkg, 'bin', 'claude-gauge.js'), '--version'], { env: { PATH: process.env.PATH } });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('close', (code) => resolve({ code, out }));
  });
  const old = new Date(Date.now() - 3600_000);
  await fs.utimes(bundleIndex, old, old);
  const stale = await run();
  assert.equal(stale.code, 0, stale.out);
  assert.match(stale.out, /^\d+\.\d+\.\d+/);
  const fresh = new Date(Date.now() + 60_000);
  await fs.utimes(bundleIndex, fresh, fresh);
  const used = await run();
  assert.notEqual(used.code, 0);
  assert.match(used.out, /the stale bundle ran/);
});

test('every one-file bundle starts from a code cache V8 accepts, under each set of node flags it is started with', async () => {
  assert.deepEqual(new Set(RUNS.map((r) => r.bundle)), ONE_FILE, 'a run writes a cache for every one-file bundle');
  const script = path.join(await tempDir('cg-bundle-probe-'), 'probe.cjs');
  for (const flags of new Set(RUNS.map((r) => r.flags.join(' ')))) {
    const files = RUNS.filter((r) => r.flags.join(' ') === flags).map((r) => path.join(ROOT, 'dist', 'bundle', `${r.bundle}.cjs`));
    // Asked in a child started with those flags: V8 refuses a cache made under other flags.
    const probe = `
      const fs = require('node:fs'), vm = require('node:vm'), Module = require('node:module');
      const { cachePath } = require(${JSON.stringify(path.join(ROOT, 'bin', 'code-cache.cjs'))});
      const out = {};
      for (const f of ${JSON.stringify(files)}) {
        const s = new vm.Script(Module.wrap(fs.readFileSync(f, 'utf8')), { filename: f, cachedData: fs.readFileSync(cachePath(f)) });
        out[f] = s.cachedDataRejected;
      }
      process.stdout.write(JSON.stringify(out));`;
    await fs.writeFile(script, probe); // a file, not -e: the cache is chosen by the node flags, and -e is one
    const rejected = JSON.parse(execFileSync(process.execPath, [...(flags ? flags.split(' ') : []), script], { encoding: 'utf8' }));
    assert.equal(Object.keys(rejected).length, files.length);
    for (const [file, no] of Object.entries(rejected)) assert.equal(no, false, `${path.relative(ROOT, file)}: V8 refused its cache under [${flags}]`);
  }
});

test('bin starts the reports from their own bundle, and every other command from the whole CLI', () => {
  const bin = readFileSync(path.join(ROOT, 'bin', 'claude-gauge.cjs'), 'utf8');
  const listed = /const REPORTS = new Set\(\[([^\]]*)\]\)/.exec(bin)?.[1].match(/'([^']+)'/g)?.map((w) => w.slice(1, -1));
  assert.deepEqual(listed?.sort(), Object.keys(REPORT_COMMANDS).sort(), 'bin/claude-gauge.cjs REPORTS is src/cli/report-commands.ts');
  const whole = readFileSync(path.join(ROOT, 'dist', 'bundle', 'cli', 'index.cjs')).length;
  const reports = readFileSync(path.join(ROOT, 'dist', 'bundle', 'cli', 'reports.cjs')).length;
  assert.ok(reports < whole / 2, `the reports' bundle is ${reports} bytes, the whole CLI's ${whole}`);
});

test('a damaged or missing code cache costs only the compile: the command answers the same', async () => {
  const pkg = await tempDir('cg-bundle-cache-');
  for (const part of ['bin', 'dist/bundle', 'dist/wasm', 'package.json']) await fs.cp(path.join(ROOT, part), path.join(pkg, part), { recursive: true });
  await fs.symlink(path.join(ROOT, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
  const home = await tempDir('cg-bundle-cache-home-');
  const env = isolatedEnv({ HOME: home, CLAUDE_CONFIG_DIR: FIXTURES, CLAUDE_GAUGE_STATE_DIR: home, CLAUDE_GAUGE_HISTORY: 'off' });
  const blocks = async (bin: string) => {
    const r = await runCli(['blocks', '--json'], { env, bin });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };
  const expected = await blocks(BIN);
  assert.ok(expected.length > 100);
  const dir = path.join(pkg, 'dist', 'bundle', 'cli');
  const caches = readdirSync(dir).filter((f) => f.endsWith('.v8cache'));
  assert.ok(caches.length >= 2, `the build wrote ${caches.join(', ')}`);
  const whole = await fs.readFile(path.join(dir, caches[0]));
  const damage: [string, Buffer | null][] = [
    ['garbage', Buffer.from('not a code cache'.repeat(1000))],
    ['truncated', whole.subarray(0, 5000)],
    ['bit-flipped', Buffer.from(whole.map((b, i) => (i > 64 && i % 97 === 0 ? b ^ 0xff : b)))],
    ['missing', null],
  ];
  for (const [what, bytes] of damage) {
    for (const c of caches) {
      if (bytes) await fs.writeFile(path.join(dir, c), bytes);
      else await fs.rm(path.join(dir, c), { force: true });
    }
    assert.equal(await blocks(path.join(pkg, 'bin', 'claude-gauge.cjs')), expected, `blocks differs with a ${what} code cache`);
  }
});
