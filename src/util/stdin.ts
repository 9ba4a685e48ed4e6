// What Claude Code pipes to a command it runs (statusline, hooks): read at most `waitMs`, so a
// caller that never closes stdin cannot hold the command up.
export function readStdin(waitMs: number): Promise<string> {
  if (process.stdin.isTTY) return Promise.resolve('');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      process.stdin.pause();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(done, waitMs);
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.once('end', done);
    process.stdin.once('error', done);
  });
}
