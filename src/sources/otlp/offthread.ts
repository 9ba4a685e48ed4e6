// Decoding off the thread that answers /usage: parsing and converting even a body within the
// limits is tens to hundreds of milliseconds of one thread, which the gauges should not wait on.
// One worker, started with the receiver, takes requests in turn; its heap has a hard ceiling, so a
// body that needs more than the limits foresaw ends the worker (a 413 for that body), not the daemon.
import { Worker } from 'node:worker_threads';
import { entryUrl } from '../../util/package-files.js';
import { decodeRequest, type DecodeJob, type Decoded } from './decode.js';
import { errorCode } from '../../util/errno.js';

/** The worker's heap ceiling: the limits keep a request far below it (body.ts). */
export const DECODER_HEAP_MB = 128;

/**
 * Its young generation: small, so the short-lived objects of one request are collected early
 * instead of growing the process (measured: a third less peak memory for the costliest request).
 */
const YOUNG_MB = 8;

interface Pending {
  id: number;
  resolve: (d: Decoded) => void;
}

export class DecodeThread {
  private worker: Worker | null = null;
  private pending: Pending[] = [];
  private next = 1;
  /** Set when no worker can start here: requests are decoded in this thread instead. */
  private inline = false;
  private closed = false;

  constructor(
    private readonly log?: (msg: string) => void,
    private readonly heapMb = DECODER_HEAP_MB,
  ) {}

  /** Starts the worker now, so the first request does not wait for it. */
  start(): void {
    this.spawn();
  }

  decode(job: DecodeJob): Promise<Decoded> {
    if (this.closed) return Promise.resolve({ ok: false, status: 503, code: 'unavailable', message: 'the receiver is closing' });
    const w = this.inline ? null : this.spawn();
    if (!w) return Promise.resolve(decodeRequest(job));
    const id = this.next++;
    return new Promise((resolve) => {
      // Kept alive while it has work, not while it idles (the receiver's socket keeps the daemon up).
      if (this.pending.length === 0) w.ref();
      this.pending.push({ id, resolve });
      // The body's buffer is handed over, not copied (readLimited gives each body a buffer of its own).
      const own = job.body.byteOffset === 0 && job.body.byteLength === job.body.buffer.byteLength;
      w.postMessage({ ...job, id }, own ? [job.body.buffer as ArrayBuffer] : []);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    this.fail('the receiver is closing');
    await w?.terminate();
  }

  private spawn(): Worker | null {
    if (this.worker || this.inline || this.closed) return this.worker;
    let online = false;
    let w: Worker;
    try {
      w = new Worker(entryUrl('sources/otlp/parse-worker'), { resourceLimits: { maxOldGenerationSizeMb: this.heapMb, maxYoungGenerationSizeMb: YOUNG_MB } });
    } catch (err) {
      return this.goInline(err as Error);
    }
    w.unref();
    w.on('online', () => (online = true));
    w.on('message', ({ id, out }: { id: number; out: Decoded }) => {
      const i = this.pending.findIndex((p) => p.id === id);
      if (i >= 0) this.pending.splice(i, 1)[0].resolve(out);
      if (this.pending.length === 0) w.unref();
    });
    w.on('error', (err) => {
      if (this.worker !== w) return;
      if (!online) return void this.goInline(err);
      // The request it was decoding (the oldest) is the one that broke it; the others are resent.
      const [culprit, ...rest] = this.pending;
      this.pending = [];
      this.worker = null;
      const oom = errorCode(err) === 'ERR_WORKER_OUT_OF_MEMORY';
      this.log?.(`OTLP decoder stopped (${err.message}); starting another`);
      culprit?.resolve(oom ? { ok: false, status: 413, code: 'payload_too_large', message: `decoding needed more than ${this.heapMb} MB` } : { ok: false, status: 500, code: 'internal', message: err.message });
      for (const p of rest) p.resolve(retry('the decoder restarted'));
    });
    w.on('exit', () => {
      if (this.worker !== w) return;
      this.worker = null;
      this.fail('the decoder stopped');
    });
    this.worker = w;
    return w;
  }

  private goInline(err: Error): null {
    this.log?.(`OTLP decoder thread unavailable (${err.message}); decoding on the main thread`);
    this.inline = true;
    this.worker = null;
    // Requests sent to the worker that never started: their bodies went with it, so they are resent.
    this.fail('the decoder did not start');
    return null;
  }

  private fail(why: string): void {
    const left = this.pending;
    this.pending = [];
    for (const p of left) p.resolve(retry(why));
  }
}

const retry = (why: string): Decoded => ({ ok: false, status: 503, code: 'unavailable', message: `${why}; send it again` });
