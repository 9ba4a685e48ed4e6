// A helper lowers its own thread's priority (and its later threads'), never the daemon's thread's.
import assert from 'node:assert/strict';
import { getPriority } from 'node:os';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { BUILD_NICE, DECODE_NICE, SUMMARY_NICE } from './priority.js';

/** Runs lowerPriority(nice) in a new thread, which then starts one more: the nice values each reads of itself. */
function inThread(nice: number): Promise<{ own: number; started: number }> {
  const url = new URL('./priority.js', import.meta.url).href;
  const code = `
    const { parentPort, workerData, Worker } = require('node:worker_threads');
    const { getPriority } = require('node:os');
    import(workerData.url).then(({ lowerPriority }) => {
      lowerPriority(workerData.nice);
      const own = getPriority();
      const later = new Worker("require('node:worker_threads').parentPort.postMessage(require('node:os').getPriority())", { eval: true });
      later.once('message', (started) => { parentPort.postMessage({ own, started }); later.terminate(); });
    });`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { url, nice } });
    w.once('message', (m) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

test('the helpers yield to the daemon in order: the summary the gauges wait for first, then the build, then decoding', () => {
  assert.ok(0 < SUMMARY_NICE && SUMMARY_NICE < BUILD_NICE && BUILD_NICE <= DECODE_NICE && DECODE_NICE <= 19);
});

test('lowering a thread\'s priority leaves the others\' alone; threads it starts after inherit it', { skip: process.platform !== 'linux' && 'nice values are per thread on Linux only' }, async () => {
  const before = getPriority();
  const { own, started } = await inThread(SUMMARY_NICE);
  assert.equal(own, SUMMARY_NICE);
  assert.equal(started, SUMMARY_NICE);
  assert.equal(getPriority(), before, 'this thread keeps its own');
});

test('where raising it is not allowed, nothing throws and nothing changes', { skip: process.platform !== 'linux' && 'per thread on Linux only' }, async () => {
  // As root it is allowed (and happens, in that thread alone); as anyone else, it is refused.
  const { own } = await inThread(-5);
  assert.ok(own === -5 || own === getPriority(), `${own}`);
});
