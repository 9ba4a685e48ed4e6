// A reader thread of the history's first build (build.ts): batches of paths in, their facts out.
import { parentPort, workerData } from 'node:worker_threads';
import { readBatch } from './build-read.js';
import type { StoredFile } from './read-lines.js';

export interface ReadRequest {
  batch: number;
  paths: string[];
  /** Responses alone (build-read.ts readBatch). */
  usageOnly?: boolean;
}

const stored = new Map<string, StoredFile>(workerData as [string, StoredFile][]);

parentPort!.on('message', (m: ReadRequest) => {
  parentPort!.postMessage({ batch: m.batch, files: readBatch(m.paths, stored, m.usageOnly) });
});
