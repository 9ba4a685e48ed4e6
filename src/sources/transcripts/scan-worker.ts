// Worker thread body: scans the files it is given and posts the folded responses back.
import { parentPort, workerData } from 'node:worker_threads';
import { scanFiles } from './scan.js';

parentPort!.postMessage(scanFiles(workerData.paths as string[]));
