// Users run the published package, not this clone: pack it, install the tarball into an empty
// folder (offline, from the npm cache `npm ci` filled), and drive the installed command.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { browserSkip, launch } from './helpers/browser.js';
import { fixtureCopy, getJson, isolatedEnv, ROOT, tempDir, waitFor } from './helpers/cli.js';
import { assertUsageSchema } from './helpers/schema.js';

const run = promisify(execFile);
let dir: string;
let files: string[] = [];
let packedBytes = 0;
let command: string;

before(async () => {
  dir = await tempDir('package');
  // `npm test` has just built dist/; packing must not build again (prepare would).
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, maxBuffer: 16 << 20 });
  const packed = JSON.parse(stdout)[0];
  files = packed.files.map((f: { path: string }) => f.path);
  packedBytes = packed.size;
  await installOffline(path.join(dir, packed.filename));
  command = path.join(dir, 'node_modules', '.bin', 'claude-gauge');
});

after(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/**
 * `npm install <tarball>` wants the registry's metadata for every dependency; the npm cache after
 * `npm ci` holds their tarballs but not that metadata. So the folder gets a lockfile naming the
 * tarball and the very versions this project locks, and `npm ci --offline` installs from the cache
 * what a user's `npm install` would fetch (native modules are built as on a user's machine).
 */
async function installOffline(tarball: string): Promise<void> {
  const lock = JSON.parse(await fs.readFile(path.join(ROOT, 'package-lock.json'), 'utf8'));
  const me = lock.packages[''];
  const spec = `file:${path.basename(tarball)}`;
  const packages: Record<string, unknown> = {
    '': { name: 'installed', dependencies: { 'claude-gauge': spec } },
    'node_modules/claude-gauge': { version: me.version, resolved: spec, license: me.license, dependencies: me.dependencies, bin: me.bin, engines: me.engines },
  };
  for (const [k, v] of Object.entries<{ dev?: boolean }>(lock.packages)) if (k && !v.dev) packages[k] = v;
  await fs.writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'installed', private: true, dependencies: { 'claude-gauge': spec } }));
  await fs.writeFile(path.join(dir, 'package-lock.json'), JSON.stringify({ name: 'installed', lockfileVersion: 3, requires: true, packages }));
  await run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: dir, maxBuffer: 16 << 20, timeout: 10 * 60_000 });
}

/** Starts the installed command and resolves with the URL it announces on stderr, and all it has said there so far. */
function start(args: string[], env: NodeJS.ProcessEnv, announce: RegExp): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`no address within 30 s: ${err}`))), 30_000);
    child.stderr!.on('data', (c) => {
      err += c;
      const m = announce.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], stderr: () => err });
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

test('the tarball holds the program, its pages, its schema and its WebAssembly, and no test code', () => {
  for (const f of ['bin/claude-gauge.cjs', 'dist/bundle/cli/index.cjs', 'dist/bundle/cli/index.cjs.plain.v8cache', 'dist/src/cli/index.js', 'dist/wasm/usage-lines.wasm', 'schema/usage.schema.json', 'web/index.html', 'web/stats/index.html', 'README.md']) {
    assert.ok(files.includes(f), `${f} is missing from the package`);
  }
  const tests = files.filter((f) => /(^|\/)test\/|\.test\.js$|^dist\/bench\//.test(f));
  assert.deepEqual(tests, [], 'test and bench code is not shipped');
  assert.ok(packedBytes < 2 * 1024 * 1024, `the package is ${packedBytes} bytes`);
  console.log(`package: ${files.length} files, ${(packedBytes / 1024).toFixed(0)} KiB packed`);
});

test('the installed serve answers /usage and serves the cluster and /stats pages, which load in Chromium with no console errors', async () => {
  const home = await fixtureCopy();
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: await tempDir('package-state') });
  const { child, url } = await start(['serve', '--port', '0', '--host', '127.0.0.1'], env, /serving (http:\/\/[^\s]+)\/usage/);
  try {
    const usage = await fetch(`${url}/usage`);
    assert.equal(usage.status, 200);
    assertUsageSchema(await usage.json());
    // The price table (loaded after start-up) and the context figure work from the installed package.
    const { value: priced } = await waitFor(async () => {
      const u = await getJson(`${url}/usage`);
      return u.cost_today_usd !== null ? u : undefined;
    }, 20_000, 50);
    assert.equal(typeof priced.cost_today_usd, 'number');
    assert.ok(priced.context_tokens > 0 && priced.context_window >= 200_000, 'the newest request\'s context');
    const { stdout: blocksOut } = await run(command, ['blocks', '--json'], { env, maxBuffer: 16 << 20 });
    const blocks = JSON.parse(blocksOut).blocks.filter((b: { isGap: boolean }) => !b.isGap);
    assert.ok(blocks.length > 0 && blocks.every((b: { costUSD: number }) => b.costUSD > 0), 'every block has its cost');
    for (const p of ['/', '/stats/']) {
      const r = await fetch(`${url}${p}`);
      assert.equal(r.status, 200, p);
      assert.match(r.headers.get('content-type') ?? '', /text\/html/, p);
    }
    if (browserSkip) return console.log(browserSkip);
    const browser = await launch();
    try {
      for (const p of ['/', '/stats/']) {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
        page.on('pageerror', (e) => errors.push(e.message));
        page.on('requestfailed', (r) => errors.push(`failed: ${r.url()}`));
        page.on('response', (r) => void (r.status() >= 400 && errors.push(`${r.status()}: ${r.url()}`)));
        await page.goto(`${url}${p}`, { waitUntil: 'networkidle' });
        assert.deepEqual(errors, [], `${p} in Chromium`);
        await page.close();
      }
    } finally {
      await browser.close();
    }
  } finally {
    await stop(child);
  }
});

test('the installed demo serves its cluster page; faces writes its files; setup otel prints its block', async () => {
  const env = isolatedEnv({ HOME: await tempDir('package-home') });
  const { child, url } = await start(['demo', '--port', '0'], env, /the virtual cluster is at (http:\/\/\S+?)\/? /);
  try {
    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
  } finally {
    await stop(child);
  }
  const out = path.join(dir, 'faces-out');
  await run(command, ['faces', '--out', out], { env });
  const faces = await fs.readdir(out);
  assert.ok(faces.some((f) => f.endsWith('.svg')) && faces.some((f) => f.endsWith('.pdf')), faces.join(', '));
  const { stdout } = await run(command, ['setup', 'otel', '--to', 'otlp'], { env });
  assert.match(stdout, /CLAUDE_CODE_ENABLE_TELEMETRY/);
});

test('installed without better-sqlite3\'s native part (npm 12 blocks install scripts not allowed): serve runs the gauges and says in one line how to build it', async () => {
  // What an install whose scripts were blocked leaves: better-sqlite3 without its build folder.
  const build = path.join(dir, 'node_modules', 'better-sqlite3', 'build');
  await fs.rename(build, `${build}.blocked`);
  try {
    const env = isolatedEnv({ CLAUDE_CONFIG_DIR: await fixtureCopy(), CLAUDE_GAUGE_STATE_DIR: await tempDir('package-no-sqlite') });
    const { child, url, stderr } = await start(['serve', '--port', '0', '--host', '127.0.0.1'], env, /serving (http:\/\/[^\s]+)\/usage/);
    try {
      assert.equal((await fetch(`${url}/usage`)).status, 200);
      const { value: line } = await waitFor(async () => stderr().split('\n').find((l) => l.includes('the history behind /stats is off this run')), 20_000, 50);
      assert.match(line, /better-sqlite3's native part was never built/);
      assert.match(line, new RegExp(`npm rebuild better-sqlite3\` in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `));
      assert.doesNotMatch(stderr(), /Could not locate the bindings file/, 'the loader\'s list of paths stays out of the log');
      const stats = await fetch(`${url}/stats/`);
      assert.equal(stats.status, 404);
      assert.match((await stats.json()).message, /history behind \/stats is off/);
      assert.equal((await fetch(`${url}/usage`)).status, 200, 'the gauges still answer');
    } finally {
      await stop(child);
    }
  } finally {
    await fs.rename(`${build}.blocked`, build);
  }
});
