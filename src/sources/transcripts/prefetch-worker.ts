// Worker thread body for prefetch.ts: one listing, posted back.
import { parentPort, workerData } from 'node:worker_threads';
import { discover } from './discover.js';

parentPort!.postMessage(discover(workerData as string[]));
