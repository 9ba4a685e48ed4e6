import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { runOrdered } from './ordered-batches.js';

// A worker that answers each batch with its square after a delay that varies, so results arrive out of order.
const SQUARER = `
  const { parentPort } = require('node:worker_threads');
  parentPort.on('message', ({ batch, fail, exit }) => {
    if (fail === batch) throw new Error('broken batch ' + batch);
    if (exit === batch) process.exit(3);
    setTimeout(() => parentPort.postMessage({ batch, result: batch * batch }), (batch * 7) % 5);
  });`;
const squarer = () => new Worker(SQUARER, { eval: true });

test('results are passed on in batch order, whichever thread did them', async () => {
  const seen: number[] = [];
  const byHere: number[] = [];
  await runOrdered<number>({
    count: 40,
    workers: [squarer(), squarer()],
    send: (w, batch) => w.postMessage({ batch }),
    receive: (m: { batch: number; result: number }) => m,
    here: (batch) => (byHere.push(batch), batch * batch),
    onResult: (r, batch) => {
      assert.equal(r, batch * batch);
      seen.push(batch);
    },
    workerName: 'squarer',
  });
  assert.deepEqual(seen, Array.from({ length: 40 }, (_, i) => i));
  assert.ok(byHere.length > 0 && byHere.length < 40, `this thread did some of them (${byHere.length})`);
});

test('this thread reads no further ahead than allowed, and not at all without `here`', async () => {
  let passed = 0;
  let furthest = 0;
  await runOrdered<number>({
    count: 30,
    workers: [squarer()],
    send: (w, batch) => w.postMessage({ batch }),
    receive: (m: { batch: number; result: number }) => m,
    here: (batch) => {
      furthest = Math.max(furthest, batch - passed);
      return batch * batch;
    },
    aheadLimit: 3,
    onResult: () => void passed++,
    workerName: 'squarer',
  });
  assert.equal(passed, 30);
  assert.ok(furthest <= 3, `at most 3 past the next to pass on (${furthest})`);
  const order: number[] = [];
  await runOrdered<number>({ count: 5, workers: [squarer()], send: (w, batch) => w.postMessage({ batch }), receive: (m: { batch: number; result: number }) => m, onResult: (_, b) => void order.push(b), workerName: 'squarer' });
  assert.deepEqual(order, [0, 1, 2, 3, 4]);
});

test('a worker that throws, or exits before the work is done, fails the run and says which', async () => {
  const run = (msg: Record<string, number>) =>
    runOrdered<number>({ count: 10, workers: [squarer()], send: (w, batch) => w.postMessage({ batch, ...msg }), receive: (m: { batch: number; result: number }) => m, onResult: () => {}, workerName: 'squarer' });
  await assert.rejects(run({ fail: 4 }), /broken batch 4/);
  await assert.rejects(run({ exit: 6 }), /squarer exited with 3/);
});
