// Worker thread body for DecodeThread: decodes each request it is sent, in turn, and posts the
// gauge records back (small plain objects) tagged with the request's number.
import { parentPort } from 'node:worker_threads';
import { decodeRequest, type DecodeJob } from './decode.js';
import { DECODE_NICE, lowerPriority } from '../../util/priority.js';

// The lowest priority, for this thread only: when the cores are busy, the thread answering
// /usage goes first. Only on Linux, where nice values are per thread (elsewhere it would be the
// whole daemon's).
if (process.platform === 'linux') lowerPriority(DECODE_NICE);

const port = parentPort!;
port.on('message', (job: DecodeJob & { id: number }) => {
  port.postMessage({ id: job.id, out: decodeRequest(job) });
});
