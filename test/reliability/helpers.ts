// Shared by the reliability tests: a `serve` started through any wrapper command (setpriv to drop
// root) or left to be killed, the history's count of responses (through its HTTP API, in its file,
// and in a clean ingest of the same transcripts), and the history as a crash left it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { HISTORY_FILE, openHistory } from '../../src/store/db.js';
import { ingestPaths } from '../../src/store/ingest.js';
import { BIN, getJson, startServe, tempDir, type Served } from '../helpers/cli.js';
import type { RunAs } from '../helpers/unprivileged.js';

export function startServeAs(as: RunAs, env: NodeJS.ProcessEnv, extraArgs: string[] = []): Promise<Served> {
  return startServe(env, extraArgs, '127.0.0.1', { ...as, timeoutMs: 30_000 });
}

export async function historySummary(url: string): Promise<{ responses: number; backfilled: boolean; lastError: string | null }> {
  const s = await getJson(`${url}/api/summary`);
  return { responses: s.totals.responses, backfilled: s.ingest?.backfilled === true, lastError: s.ingest?.last_error ?? null };
}

/** Responses in the history file of a state folder, read without disturbing the daemon. */
export function historyRows(state: string): number {
  const h = openHistory(state, { readonly: true });
  try {
    return (h.db.prepare('SELECT count(*) n FROM responses').get() as { n: number }).n;
  } finally {
    h.close();
  }
}

/** Responses a clean ingest of these transcripts gives, in a history of its own. */
export async function cleanIngestRows(files: string[]): Promise<number> {
  const state = await tempDir('clean-ingest');
  const h = openHistory(state);
  try {
    ingestPaths(h.db, files);
  } finally {
    h.close();
  }
  return historyRows(state);
}

export interface HistoryOnDisk {
  /** False while no daemon has created the history yet. */
  exists: boolean;
  /** SQLite's full `integrity_check` ('ok', or its report). */
  integrity: string;
  /** Bytes of transcript behind the committed file offsets. */
  offsets: number;
  responses: number;
  /** Files a daemon moved aside as damaged (`history.sqlite.corrupt-<time>`). */
  movedAside: string[];
  /** Modification time of the WAL (0 when there is none): moves with every commit. */
  walMtimeMs: number;
}

/**
 * The history exactly as a daemon left it: opened read-only straight through SQLite, never through
 * openHistory, whose repair path would move a damaged file aside (and hide the damage) before any
 * check. A read-only connection replays a killed writer's WAL for itself without changing a byte.
 */
export function inspectHistory(state: string): HistoryOnDisk {
  const file = path.join(state, HISTORY_FILE);
  const movedAside = readdirSync(state).filter((f) => f.includes('.corrupt-'));
  const walMtimeMs = statSync(`${file}-wal`, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (!existsSync(file)) return { exists: false, integrity: 'ok', offsets: 0, responses: 0, movedAside, walMtimeMs };
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true }) as string;
    // A kill during the first start may leave a file with no tables yet.
    const hasTables = db.prepare("SELECT count(*) n FROM sqlite_master WHERE name IN ('files', 'responses')").get() as { n: number };
    if (hasTables.n < 2) return { exists: true, integrity, offsets: 0, responses: 0, movedAside, walMtimeMs };
    const offsets = (db.prepare('SELECT coalesce(sum(offset), 0) n FROM files').get() as { n: number }).n;
    const responses = (db.prepare('SELECT count(*) n FROM responses').get() as { n: number }).n;
    return { exists: true, integrity, offsets, responses, movedAside, walMtimeMs };
  } finally {
    db.close();
  }
}

export interface ServeProcess {
  child: ChildProcess;
  /** Resolves with the base URL once `serve` says /usage answers; rejects if it exits first. */
  serving: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
}

/** Starts the real `serve` (bin/claude-gauge.cjs) on a free loopback port, to be stopped or killed by the caller. */
export function spawnServe(env: NodeJS.ProcessEnv, extraArgs: string[] = []): ServeProcess {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', ...extraArgs], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const serving = new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (c) => {
      err += c;
      const m = /serving (http:\/\/[^\s]+)\/usage/.exec(err);
      if (m) resolve(m[1]);
    });
    void exited.then(({ code, signal }) => reject(new Error(`serve exited (${signal ?? code}) before serving: ${err}`)));
  });
  serving.catch(() => {}); // a caller that kills before serving need not wait for it
  return { child, serving, exited, stderr: () => err };
}

/** A stack trace in a command's output: what a user must never see. */
export const STACK_FRAME = /^\s+at .+(\(|:\d+:\d+)/m;

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `claude-gauge <args>` as Claude Code or a user would, with any bytes on stdin (invalid UTF-8 included). */
export function runCommand(args: string[], env: NodeJS.ProcessEnv, stdin: Buffer | string = '', timeoutMs = 30_000): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c) => (stdout += c));
    child.stderr!.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
    child.stdin!.on('error', () => {}); // a command that stops reading early: its business
    child.stdin!.end(stdin);
  });
}
