// What Claude Code pipes to a command it runs (statusline, hooks): read at most `waitMs`, so a
// caller that never closes stdin cannot hold the command up. Read with plain fs calls rather than
// process.stdin: the stream behind that loads Node's stream and network modules, about ten
// milliseconds of a command Claude Code starts on every turn. These commands end through exit().
import { fstatSync, read, writeSync } from 'node:fs';
import { errorCode } from './errno.js';

const CHUNK = 64 * 1024;
/** A read of stdin is still blocked in Node's I/O threads: the caller never closed it. */
let stuck = false;

export function readStdin(waitMs: number): Promise<string> {
  // A terminal (someone trying the command by hand) or /dev/null: nothing to wait for. Asked of
  // fstat rather than node:tty, which loads the network modules too.
  if (noInput()) return Promise.resolve('');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(() => {
      stuck = true;
      done();
    }, waitMs);
    const next = () =>
      read(0, Buffer.allocUnsafe(CHUNK), 0, CHUNK, null, (err, n, buf) => {
        if (err || n === 0 || finished) return done(); // closed, or no stdin at all
        chunks.push(buf.subarray(0, n));
        next();
      });
    next();
  });
}

function noInput(): boolean {
  try {
    return fstatSync(0).isCharacterDevice();
  } catch {
    return true; // no stdin at all
  }
}

/**
 * Writes `text` to stdout without process.stdout (and the stream modules behind it); resolves
 * once it is written, so the caller may exit. A stdout that would block (a non-blocking pipe that
 * is full) gets the rest through process.stdout, which waits for room.
 */
export function writeStdout(text: string): Promise<void> {
  const buf = Buffer.from(text);
  let off = 0;
  try {
    while (off < buf.length) off += writeSync(1, buf, off);
    return Promise.resolve();
  } catch (err) {
    if (errorCode(err) !== 'EAGAIN') return Promise.resolve(); // nobody reads it: nothing to do
    return new Promise((resolve) => process.stdout.write(buf.subarray(off), () => resolve()));
  }
}

/**
 * Ends the process. When stdin was never closed, a read of it stays blocked in one of Node's I/O
 * threads, and process.exit would wait for that thread forever (Node joins them on the way out):
 * then the process ends by a signal instead, its output already written. Claude Code closes stdin.
 */
export function exit(code: number): void {
  if (stuck) process.kill(process.pid, 'SIGKILL');
  else process.exit(code);
}
