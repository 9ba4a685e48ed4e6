// Worker thread body: scans each batch of files it is sent, in turn, and posts the folded
// responses back in columns (packed.ts), tagged with the batch's number.
import { parentPort } from 'node:worker_threads';
import { pack, transferables } from './packed.js';
import type { ScanBatch } from './parallel.js';
import { scanFiles, UsageReader } from './scan.js';
import { keepYoungGenerationSmallHereToo } from '../../util/young-generation.js';

keepYoungGenerationSmallHereToo(); // a report's scan

const port = parentPort!;
const reader = new UsageReader(); // one reading buffer for every batch
port.on('message', ({ batch, paths, sizes, order }: ScanBatch) => {
  const packed = pack(scanFiles(paths.map((path, i) => ({ path, size: sizes[i] })), reader, order));
  port.postMessage({ batch, packed }, transferables(packed));
});
