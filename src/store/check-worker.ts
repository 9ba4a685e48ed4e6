// The history's check at the daemon's start, in a worker thread: SQLite's quick_check reads every
// page of the file (about 0.25 s at 2 GB of history), which on the daemon's thread held /usage up
// for as long. Here the file is opened as openHistory opens it (checked, a damaged one moved aside,
// migrated) and closed; the daemon then opens it without checking again (db.ts `checked`).
import { parentPort, workerData } from 'node:worker_threads';
import { openHistory } from './db.js';
import { errorText } from '../util/errno.js';

export type CheckReply = { ok: true; movedAside: { to: string; why: string } | null } | { ok: false; error: string };

const { file } = workerData as { file: string };
let movedAside: { to: string; why: string } | null = null;
let reply: CheckReply;
try {
  openHistory(file, { onMovedAside: (to, why) => (movedAside = { to, why }) }).close();
  reply = { ok: true, movedAside };
} catch (err) {
  reply = { ok: false, error: errorText(err) };
}
parentPort!.postMessage(reply);
