// A synthetic corpus of transcripts, for the benchmarks and tests: a realistic, deterministic
// Claude Code history, `<outDir>/projects/<folder>/<session>.jsonl` plus
// `<folder>/<session>/subagents/agent-<id>.jsonl`, filling `targetBytes` over [start, end].
//
// Shape: a calendar of bursts, quiet spells and multi-day chains (schedule.ts) is worked by
// "lanes" (parallel terminals), one after another. Each lane paces its turns so that its share
// of the byte budget spreads over the calendar; when lanes fall short, more are added. Sessions
// end and new ones start; some are resumed, which replays the tail of the previous session into
// the new file. Output streams through buffered writers: memory stays flat up to GBs.
import { join } from 'node:path';
import { hashString, Prng } from './prng.js';
import { summary as summaryRec } from './records.js';
import { activeAfter, calendar, HOUR, MINUTE, type Period } from './schedule.js';
import { newSession, projectFolder, VERSIONS, withVersion, type SessionCtx } from './session.js';
import { Output } from './sink.js';
import { sentence } from './text.js';
import { sessionStartLine, turnLines, type LineUsage, type TurnLine, type TurnOptions } from './turn.js';

export interface CorpusOptions {
  /** Config dir to fill (gets `projects/`); existing files of the same name are overwritten. */
  outDir: string;
  seed?: number;
  /** Stop when this many bytes are written (default 8 MB); lands just under it. */
  targetBytes?: number;
  start: Date;
  end: Date;
  /** Number of project folders (default 5). */
  projects?: number;
  /** Mixed into every generated id: two histories with one seed but different prefixes share no ids. */
  uniquePrefix?: string;
  /** Chance per turn of a malformed line (default 0.02). */
  junkRate?: number;
}

export interface TokenTotals { input: number; output: number; cacheCreation: number; cacheRead: number; total: number }

export interface CorpusSummary {
  files: number;
  bytes: number;
  /** Distinct API responses (message.id + requestId), replays and placeholders excluded. */
  responses: number;
  lines: number;
  junkLines: number;
  replayedLines: number;
  sessions: number;
  subagentFiles: number;
  /** What a correct reader counts: each response once, at its largest output_tokens. */
  tokens: TokenTotals;
  /** Earliest and latest timestamp written (ISO), null when nothing was. */
  first: string | null;
  last: string | null;
}

const PROJECT_NAMES = ['acme-api', 'web-dashboard', 'infra', 'ml-pipeline', 'mobile-app', 'docs-site', 'payments', 'cli-tools', 'data-jobs', 'auth-service', 'design-system', 'search'];
/** Rough bytes per turn, only to plan how many lanes to start with. */
const EST_TURN_BYTES = 80_000;
/** Nominal spacing of turns in one lane when planning lanes. */
const NOMINAL_INTERVAL = 8 * MINUTE;
const REPLAY_MAX_LINES = 150;
const REPLAY_MAX_CHARS = 1_000_000;

interface Lane {
  ctx: SessionCtx | null;
  file: string;
  cwd: string;
  turnsLeft: number;
  /** Tail of the current session file, for replay when it is resumed. */
  ring: string[];
  ringChars: number;
}

export async function generateCorpus(o: CorpusOptions): Promise<CorpusSummary> {
  const seed = o.seed ?? 1;
  const startMs = o.start.getTime();
  const endMs = o.end.getTime();
  if (!(endMs > startMs)) throw new Error('generateCorpus: end must be after start');
  const target = o.targetBytes ?? 8 * 1024 * 1024;
  const rng = new Prng(seed);
  const idRng = new Prng(hashString(`ids:${seed}:${o.uniquePrefix ?? ''}`));
  const projectsDir = join(o.outDir, 'projects');
  const cwds = pickProjects(rng, o.projects ?? 5);
  const periods = calendar(rng, startMs, endMs);
  const activeTotal = activeAfter(periods, startMs);

  const out = new Output(target);
  const junkRate = o.junkRate ?? 0.02;
  let junkDebt = 0.5;
  const s: CorpusSummary = {
    files: 0, bytes: 0, responses: 0, lines: 0, junkLines: 0, replayedLines: 0, sessions: 0, subagentFiles: 0,
    tokens: { input: 0, output: 0, cacheCreation: 0, cacheRead: 0, total: 0 }, first: null, last: null,
  };
  let firstMs = Infinity;
  let lastMs = -Infinity;

  const versionAt = (t: number): string => {
    const f = (t - startMs) / (endMs - startMs);
    return VERSIONS[Math.max(0, Math.min(VERSIONS.length - 1, Math.floor(f * VERSIONS.length + rng.range(-0.7, 0.7))))];
  };
  const sessionPath = (cwd: string, id: string): string => join(projectsDir, projectFolder(cwd), `${id}.jsonl`);
  const subPath = (c: SessionCtx, sub: string): string => join(projectsDir, projectFolder(c.cwd), c.sessionId, 'subagents', `${sub}.jsonl`);

  /** Writes one line to the lane's session file (replays are not re-counted as responses). */
  const writeMain = async (lane: Lane, line: string, junk = false): Promise<boolean> => {
    if (!(await out.write(lane.file, line))) return false;
    if (junk) return true; // a resume replays messages, not torn writes
    lane.ring.push(line);
    lane.ringChars += line.length;
    while (lane.ring.length > REPLAY_MAX_LINES || lane.ringChars > REPLAY_MAX_CHARS) lane.ringChars -= lane.ring.shift()!.length;
    return true;
  };

  const startSession = async (lane: Lane, t: number, resume: boolean): Promise<boolean> => {
    if (lane.ctx) await out.close(lane.file);
    s.sessions++;
    lane.turnsLeft = rng.count(25, 300);
    if (resume && lane.ctx) {
      const prev = lane.ctx;
      const ctx: SessionCtx = { ...withVersion(prev, versionAt(t)), sessionId: idRng.uuid() };
      const replay = lane.ring;
      lane.ring = [];
      lane.ringChars = 0;
      lane.ctx = ctx;
      lane.file = sessionPath(ctx.cwd, ctx.sessionId);
      if (prev.parentUuid && !(await writeMain(lane, JSON.stringify(summaryRec(sentence(rng, 3, 8), prev.parentUuid))))) return false;
      const from = `"sessionId":"${prev.sessionId}"`;
      const to = `"sessionId":"${ctx.sessionId}"`;
      for (const line of replay) {
        if (!(await writeMain(lane, line.split(from).join(to)))) return false;
        s.replayedLines++;
      }
      if (ctx.hooks) return writeMain(lane, sessionStartLine(ctx, new Date(t), 'resume').line);
      return true;
    }
    if (!lane.ctx || rng.chance(0.3)) lane.cwd = rng.pick(cwds);
    lane.ring = [];
    lane.ringChars = 0;
    lane.ctx = newSession(rng, { cwd: lane.cwd, version: versionAt(t), ids: idRng });
    lane.file = sessionPath(lane.cwd, lane.ctx.sessionId);
    if (lane.ctx.hooks) return writeMain(lane, sessionStartLine(lane.ctx, new Date(t), 'startup').line);
    return true;
  };

  /** Writes one generated turn; false once the budget is spent. */
  const writeTurn = async (lane: Lane, lines: TurnLine[]): Promise<boolean> => {
    const ctx = lane.ctx!;
    const seen = new Map<string, LineUsage>();
    const subs = new Set<string>();
    let ok = true;
    for (const l of lines) {
      if (l.sub) {
        const path = subPath(ctx, l.sub);
        if (!subs.has(path)) { subs.add(path); s.subagentFiles++; }
        ok = await out.write(path, l.line);
      } else {
        ok = await writeMain(lane, l.line, l.type === 'junk');
      }
      if (!ok) break;
      const ms = l.at.getTime();
      if (ms < firstMs) firstMs = ms;
      if (ms > lastMs) lastMs = ms;
      if (l.type === 'junk') s.junkLines++;
      if (l.usage) countUsage(s, seen, l.usage);
    }
    for (const path of subs) await out.close(path);
    return ok;
  };

  const lanesPlanned = Math.max(1, Math.ceil(target / EST_TURN_BYTES / Math.max(1, activeTotal / NOMINAL_INTERVAL)));
  for (let li = 0; !out.full && out.bytes < target; li++) {
    const budget = (target - out.bytes) / Math.max(1, lanesPlanned - li);
    const before = out.bytes;
    await runLane(li, budget);
    if (out.bytes === before) break;
  }
  await out.closeAll();

  async function runLane(li: number, budget: number): Promise<void> {
    const lane: Lane = { ctx: null, file: '', cwd: cwds[li % cwds.length], turnsLeft: 0, ring: [], ringChars: 0 };
    const laneStart = out.bytes;
    let light = false;
    for (let pi = 0; pi < periods.length; pi++) {
      const p: Period = periods[pi];
      let t = p.start + (li === 0 ? 0 : rng.range(0, Math.min(45 * MINUTE, (p.end - p.start) * 0.3)));
      let fresh = true;
      while (t < p.end) {
        if (fresh || lane.turnsLeft <= 0) {
          const resume = lane.ctx !== null && ((li === 0 && s.replayedLines === 0) || rng.chance(fresh ? 0.35 : 0.2));
          if (!(await startSession(lane, t, resume))) return;
          fresh = false;
          t += rng.int(1_500, 30_000); // the user types the first prompt
        }
        // Junk is spread evenly (a rate accumulator), so even small histories get some.
        junkDebt += junkRate;
        const junk = junkDebt >= 1;
        if (junk) junkDebt -= 1;
        const opts: TurnOptions = light ? { rounds: rng.int(1, 2), subagents: false, junk } : { junk };
        const lines: TurnLine[] = [...turnLines(rng, lane.ctx!, new Date(t), opts)];
        const turnEnd: number = lines[lines.length - 1].at.getTime();
        if (turnEnd > endMs) return;
        if (!(await writeTurn(lane, lines))) return;
        lane.turnsLeft--;
        // Pace: the lane's share of the budget spreads evenly over the active time. `ahead` is how
        // much active time the bytes written so far are worth beyond the time already used.
        const ahead: number = ((out.bytes - laneStart) / budget) * activeTotal - (activeTotal - activeAfter(periods, turnEnd));
        const maxGap = p.chain ? 3.3 * HOUR : 75 * MINUTE;
        // No answer (API error): the user retries soon, which also keeps chains unbroken.
        const gap = lines.some((l) => l.usage) ? ahead * rng.range(0.6, 1.4) : rng.range(30_000, 5 * MINUTE);
        light = ahead > 2 * maxGap;
        t = turnEnd + Math.min(maxGap, Math.max(rng.range(5_000, 90_000), gap));
      }
    }
    if (lane.ctx) await out.close(lane.file);
  }

  s.files = out.files;
  s.bytes = out.bytes;
  s.lines = out.lines;
  const k = s.tokens;
  k.total = k.input + k.output + k.cacheCreation + k.cacheRead;
  s.first = Number.isFinite(firstMs) ? new Date(firstMs).toISOString() : null;
  s.last = Number.isFinite(lastMs) ? new Date(lastMs).toISOString() : null;
  return s;
}

/** Adds a line's usage: a new response counts whole, a later line only its extra output. */
function countUsage(s: CorpusSummary, seen: Map<string, LineUsage>, u: LineUsage): void {
  const prev = seen.get(u.key);
  if (!prev) {
    s.responses++;
    s.tokens.input += u.input;
    s.tokens.output += u.output;
    s.tokens.cacheCreation += u.cacheCreation;
    s.tokens.cacheRead += u.cacheRead;
    seen.set(u.key, u);
  } else if (u.output > prev.output) {
    s.tokens.output += u.output - prev.output;
    seen.set(u.key, u);
  }
}

function pickProjects(r: Prng, n: number): string[] {
  const names = [...PROJECT_NAMES];
  const out: string[] = [];
  for (let i = 0; i < Math.max(1, n); i++) {
    const base = names.length ? names.splice(r.int(0, names.length - 1), 1)[0] : `project-${i}`;
    out.push(`/home/dev/${base}`);
  }
  return out;
}
