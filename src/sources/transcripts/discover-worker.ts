// Worker thread body for discoverOffThread: one listing, posted back.
import { parentPort, workerData } from 'node:worker_threads';
import { discover } from './discover.js';

parentPort!.postMessage(discover(workerData as string[]));
