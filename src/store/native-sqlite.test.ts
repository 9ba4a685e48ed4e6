import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { errorCode } from '../util/errno.js';
import { nativeSqliteProblem, newDatabase } from './native-sqlite.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cg-native-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** What a call throws, for the real errors below. */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  assert.fail('it did not throw');
}

test('a native part never built (install scripts blocked): one line that says so and how to build it', () => {
  // What better-sqlite3's loader (the `bindings` package) throws when no build is where it looks.
  const err = thrown(() => createRequire(import.meta.url)('bindings')({ bindings: 'better_sqlite3.node', module_root: dir }));
  assert.match((err as Error).message, /Could not locate the bindings file/);
  assert.ok((err as Error).message.split('\n').length > 3, 'the loader lists every place it looked');
  const said = nativeSqliteProblem(err);
  assert.ok(said);
  assert.doesNotMatch(said, /\n/);
  assert.match(said, /never built/);
  assert.match(said, /npm install-scripts approve better-sqlite3/);
  assert.match(said, /--allow-scripts=better-sqlite3/);
  // Where to run the rebuild: the folder whose node_modules holds better-sqlite3 (this clone's here).
  const root = /`npm rebuild better-sqlite3` in (\S+) /.exec(said)?.[1];
  assert.ok(root && existsSync(path.join(root, 'node_modules', 'better-sqlite3', 'package.json')), said);
});

test('a native part that does not load, or was built for another Node.js: one line each, with the same fix', () => {
  const file = path.join(dir, 'better_sqlite3.node');
  writeFileSync(file, 'not a shared object');
  const err = thrown(() => process.dlopen({ exports: {} }, file));
  assert.equal((err as { code?: string }).code, 'ERR_DLOPEN_FAILED');
  const said = nativeSqliteProblem(err, '/somewhere');
  assert.match(said ?? '', /^better-sqlite3's native part does not load here \(.*better_sqlite3\.node.*\): run `npm rebuild better-sqlite3` in \/somewhere /);
  // Node's words for a part built against another ABI (a Node upgrade), as it throws them.
  const other = Object.assign(new Error(`The module '${file}'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 127. Please try re-compiling or re-installing\nthe module (for instance, using \`npm rebuild\` or \`npm install\`).`), { code: 'ERR_DLOPEN_FAILED' });
  assert.match(nativeSqliteProblem(other, '/somewhere') ?? '', new RegExp(`^better-sqlite3's native part was built for another Node.js than this one \\(${process.version}\\): run`));
});

test('any other failure to open is not about the native part', () => {
  const err = thrown(() => new Database(path.join(dir, 'no-such-folder', 'history.sqlite'), { fileMustExist: true }));
  assert.equal(nativeSqliteProblem(err), null);
  assert.equal(nativeSqliteProblem(new Error('database disk image is malformed')), null);
  // A native file of another module that fails to load is not better-sqlite3's.
  assert.equal(nativeSqliteProblem(Object.assign(new Error('/x/other.node: invalid ELF header'), { code: 'ERR_DLOPEN_FAILED' })), null);
});

test('newDatabase, the door every connection goes through, throws that line through the real driver, without a code', () => {
  const file = path.join(dir, 'better_sqlite3.node');
  writeFileSync(file, 'not a shared object');
  // better-sqlite3 loads its native part in the constructor, here from a file that is no build.
  const err = thrown(() => newDatabase(':memory:', { nativeBinding: file }));
  assert.match((err as Error).message, /^better-sqlite3's native part does not load here \(.*\): run `npm rebuild better-sqlite3`/);
  assert.equal(errorCode(err), undefined, 'errorText then says the line, not ERR_DLOPEN_FAILED');
  assert.equal(((err as Error).cause as { code?: string }).code, 'ERR_DLOPEN_FAILED');
  // Any other failure passes as the driver threw it.
  const missing = path.join(dir, 'no-such-folder', 'history.sqlite');
  const other = thrown(() => newDatabase(missing, { fileMustExist: true }));
  const direct = thrown(() => new Database(missing, { fileMustExist: true }));
  assert.equal((other as Error).constructor, (direct as Error).constructor);
  assert.equal((other as Error).message, (direct as Error).message);
  assert.equal((other as Error).cause, undefined);
  newDatabase(':memory:').close();
});
