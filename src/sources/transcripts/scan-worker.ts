// Worker thread body: scans the files it is given and posts the folded responses back,
// with a progress note every few files.
import { parentPort, workerData } from 'node:worker_threads';
import { scanFiles } from './scan.js';

const port = parentPort!;
port.postMessage(scanFiles(workerData.paths as string[], (n) => port.postMessage({ progress: n })));
