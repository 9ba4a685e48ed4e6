// How a command gives up: one line on stderr, naming the program, and an exit code (2: bad usage).
// Its own module, so the commands need not import the entry point that imports them.
export function fail(message: string, code: number): never {
  process.stderr.write(`claude-gauge: ${message}\n`);
  process.exit(code);
}
