// Runs a one-file CommonJS bundle from V8's code cache: the functions a start needs are read back
// compiled instead of parsed and compiled again (the CLI's bundle is 860 KB; compiling it costs a
// start 15-25 ms). The build writes one cache per bundle and per set of node flags the program is
// started with (scripts/code-cache.ts), since V8 refuses a cache made under other flags or by
// another Node. A missing, refused or unreadable cache only costs the compile it would have saved.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

/** Where the cache of `file` for these node flags lives: `index.cjs.plain.v8cache`, `index.cjs.max-semi-space-size=2.v8cache`. */
function cachePath(file, execArgv = process.execArgv) {
  const flags = execArgv.map((a) => a.replace(/^-+/, '').replace(/[^A-Za-z0-9.=-]/g, '_')).join('+');
  return `${file}.${flags || 'plain'}.v8cache`;
}

/**
 * require(file), through the code cache. With CLAUDE_GAUGE_WRITE_CODE_CACHE=1 (the build) the cache
 * is written instead, as the process exits: by then it holds every function the run compiled.
 */
function requireCached(file) {
  const writing = process.env.CLAUDE_GAUGE_WRITE_CODE_CACHE === '1';
  let cachedData;
  if (!writing) {
    try {
      cachedData = fs.readFileSync(cachePath(file));
    } catch {
      cachedData = undefined; // none for these flags: compiled as require() would
    }
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
  const mod = new Module(file, module);
  mod.filename = file;
  mod.loaded = true;
  require.cache[file] = mod;
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  if (writing) process.once('exit', () => writeAtomically(cachePath(file), script.createCachedData()));
  return mod.exports;
}

function writeAtomically(target, data) {
  const tmp = `${target}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, target);
}

module.exports = { cachePath, requireCached };
