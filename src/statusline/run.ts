// Runs inside Claude Code's status line on every turn: must be quick and must never fail,
// so it loads no CLI framework and no schema library.
import { recordObservation } from '../calibrate/observations.js';
import { resolveFormat } from '../config/statusline-format.js';
import { isAlive } from '../daemon/discovery.js';
import { readSnapshotFile } from '../sinks/snapshot-file.js';
import { limitsEvent, parseRateLimits, writeHandoff, type RateLimits } from '../sources/statusline/handoff.js';
import { renderStatusline, type StatuslineInput } from '../sinks/statusline.js';
import { stateDir } from '../util/paths.js';
import { sessionContext } from './context.js';
import { exit, readStdin, writeStdout } from '../util/stdin.js';

const STDIN_WAIT_MS = 1000;
const CHAIN_WAIT_MS = 2000;

export interface StatuslineFlags {
  chain?: string;
  format?: string;
}

/** bin's fast path: the status line, then the end of the process (see exit()). */
export async function main(flags: StatuslineFlags = {}): Promise<void> {
  await runStatusline(flags);
  exit(0);
}

/** Reads Claude Code's JSON on stdin, hands rate limits over, prints one line. Never throws. */
export async function runStatusline({ chain, format: formatFlag }: StatuslineFlags = {}): Promise<void> {
  let out = 'claude-gauge';
  try {
    // A bad format must not cost Claude Code its line: the default one is shown, with a short
    // note where the user looks, and the whole problem on stderr (and from `claude-gauge doctor`).
    const format = resolveFormat(formatFlag);
    if (format.problem) process.stderr.write(`claude-gauge: ${format.problem}\n`);
    const raw = await readStdin(STDIN_WAIT_MS);
    const input = parseInput(raw);
    // Checked once: what is shown is what is handed over (a reset time no clock can show is neither).
    const limits = parseRateLimits(input?.rate_limits);
    const now = Date.now();
    const dir = stateDir();
    const [snap, chained] = await Promise.all([
      readSnapshotFile(dir, isAlive),
      chain ? runChained(chain, raw) : Promise.resolve(''),
      handOver(dir, limits, now),
    ]);
    const line = renderStatusline(input, limits && limitsEvent(limits, now), snap, now, { format: format.segments, context: sessionContext(input) });
    const ours = format.note ? `${line} · ${format.note}` : line;
    out = chained ? `${chained.replace(/\s+$/, '')} │ ${ours}` : ours;
  } catch {
    // Never break Claude Code's status line: fall through with the plain name.
  }
  await writeStdout(out + '\n');
}

function parseInput(raw: string): StatuslineInput | null {
  try {
    const v = JSON.parse(raw);
    return v && typeof v === 'object' ? (v as StatuslineInput) : null;
  } catch {
    return null;
  }
}

async function handOver(dir: string, limits: RateLimits | null, now: number): Promise<void> {
  if (!limits) return;
  try {
    await recordObservation(dir, limits, now).catch(() => undefined); // for calibrate; must not stop the handoff
    await writeHandoff(dir, limits, now);
  } catch {
    // A read-only state folder must not break the status line.
  }
}

/** Runs the user's previous status line command with the same stdin; '' on failure or timeout. */
async function runChained(command: string, stdin: string): Promise<string> {
  // Loaded only here: child_process brings the network modules with it, a few milliseconds of every start.
  const { spawn } = await import('node:child_process');
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(command, { shell: true, stdio: ['pipe', 'pipe', 'ignore'], windowsHide: true });
    const timer = setTimeout(() => {
      child.kill();
      resolve(out);
    }, CHAIN_WAIT_MS);
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('error', () => {
      clearTimeout(timer);
      resolve('');
    });
    child.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    child.stdin.on('error', () => {});
    child.stdin.end(stdin);
  });
}
