// Worker thread body: scans the files it is given (at start, or later in one message when it
// was started early, before the file list was known) and posts the folded responses back in
// columns (packed.ts), with a progress note every few files.
import { parentPort, workerData } from 'node:worker_threads';
import { pack, transferables } from './packed.js';
import { scanFiles } from './scan.js';

const port = parentPort!;
const scan = (paths: string[]) => {
  const packed = pack(scanFiles(paths, (n) => port.postMessage({ progress: n })));
  port.postMessage(packed, transferables(packed));
};
if (workerData?.paths) scan(workerData.paths as string[]);
else port.once('message', (m: { paths: string[] }) => scan(m.paths));
