// Worker thread body: scans each batch of files it is sent, in turn, and posts the folded
// responses back in columns (packed.ts), tagged with the batch's number.
import { parentPort } from 'node:worker_threads';
import { pack, transferables } from './packed.js';
import { scanFiles, UsageReader } from './scan.js';

const port = parentPort!;
const reader = new UsageReader(); // one reading buffer for every batch
port.on('message', ({ batch, paths }: { batch: number; paths: string[] }) => {
  const packed = pack(scanFiles(paths, reader));
  port.postMessage({ batch, packed }, transferables(packed));
});
