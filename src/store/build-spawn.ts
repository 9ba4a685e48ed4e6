// The daemon's side of the first build in a child process (build-child.ts): start it, follow its
// progress into the ingest status, and say how it ended. A child that dies (out of memory, killed)
// ends with null: the caller reads on in its worker from what the child committed.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BuildMessage, BuildRequest } from './build-child.js';
import { SEMI_SPACE_MB, type BuildResult } from './build.js';
import type { IngestStatus } from './ingest-status.js';
import { entryUrl } from '../util/package-files.js';

export interface BuildChild {
  /** The result, or null when the child failed. */
  done: Promise<BuildResult | null>;
  /** Stops it (what committed stays). */
  stop(): Promise<void>;
}

export function buildInChild(request: BuildRequest, st: IngestStatus, log: (msg: string) => void): BuildChild {
  // Its own young generation, whatever the daemon's flags (a daemon started with a small one passes
  // it on): the build turns each line into strings and objects that die at once. Reading 500 MB,
  // GC took 1.0-1.1 s with 2 MB semi-spaces (98 MB resident), 0.6-0.9 s with 8 (117 MB), 0.54-0.67
  // s with V8's default 16 (148 MB), 0.39-0.54 s with 32 (162 MB). The child's memory goes back
  // when it exits.
  const execArgv = [...process.execArgv, `--max-semi-space-size=${SEMI_SPACE_MB}`];
  const child = fork(fileURLToPath(entryUrl('store/build-child')), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const done = new Promise<BuildResult | null>((resolve) => {
    let result: BuildResult | null = null;
    child.on('message', (m: BuildMessage) => {
      if ('progress' in m) Object.assign(st, { files_done: m.progress.files, lines: m.progress.lines, skipped_lines: m.progress.skipped });
      else if ('usable' in m) Object.assign(st, { responses_in: true, files_done: 0 }); // the details' pass counts the files again
      else if ('problem' in m) log(`history: ${m.problem}`);
      else if ('done' in m) {
        result = m.done;
        Object.assign(st, { files_done: st.files_total, lines: m.done.lines, skipped_lines: m.done.skipped });
        for (const p of m.done.problems) log(`history: ${p}`);
        if (m.done.problems.length) st.last_error = m.done.problems[m.done.problems.length - 1];
      } else if ('error' in m) {
        st.last_error = m.error;
        log(`history: the first build failed (${m.error}); reading on file by file`);
      }
    });
    child.once('error', (err) => {
      st.last_error = err.message;
      log(`history: cannot start the first build (${err.message}); reading file by file`);
      resolve(null);
    });
    void exited.then((code) => {
      if (!result && code !== 1) log(`history: the first build stopped (exit ${code}); reading on file by file`);
      resolve(result);
    });
  });
  child.send(request);
  return {
    done,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
