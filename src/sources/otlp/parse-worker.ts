// Worker thread body for DecodeThread: decodes each request it is sent, in turn, and posts the
// gauge records back (small plain objects) tagged with the request's number.
import { parentPort } from 'node:worker_threads';
import { decodeRequest, type DecodeJob } from './decode.js';

const port = parentPort!;
port.on('message', (job: DecodeJob & { id: number }) => {
  port.postMessage({ id: job.id, out: decodeRequest(job) });
});
