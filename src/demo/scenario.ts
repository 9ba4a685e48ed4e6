// Plays the demo's script (script.ts): realistic transcript lines, written in real time into a
// folder the normal pipeline watches. Each act runs on a fixed clock; within it the writer paces
// the generated conversation by what it has written (ledger.ts), so the tach sits where the act
// wants it and only the redline act goes past full scale. Clock, sleep and file writes can be
// injected, so a test plays whole cycles in virtual time.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { MODELS, newSession, Prng, projectFolder, turnLines, type SessionCtx, type TurnLine } from '../generate/index.js';
import * as R from '../generate/records.js';
import { WrittenLedger } from './ledger.js';
import { DEMO_SETTINGS, SCRIPT, TACH_FULL_SCALE, timeline, type Act, type ModelName } from './script.js';

export { DEMO_SETTINGS, SCRIPT, TACH_FULL_SCALE, timeline, type Act } from './script.js';

export interface DemoOptions {
  dir: string;
  seed?: number;
  /** Playback speed of the gaps inside a turn (tool runs, thinking); 1 = as generated. */
  speed?: number;
  script?: readonly Act[];
  /** Epoch ms; default Date.now. */
  clock?: () => number;
  /** Waits `ms` on that clock; default a timer that stop() cuts short. */
  sleep?: (ms: number) => Promise<void>;
  /** Appends one line (no newline) to a transcript; default the file system. */
  write?: (file: string, line: string) => Promise<void>;
  onAct?: (a: Act, index: number) => void;
}

const CWD = '/home/you/demo-project';
/** The longest gap between two lines of a turn, so no tool run reads as STALL or IDLE by accident. */
const MAX_GAP_MS = 4000;
/** Silences the pacing may add stay this far short of STALL and IDLE, which only their acts should light. */
const STALL_MS = DEMO_SETTINGS.stallMinutes * 60_000;
const IDLE_MS = DEMO_SETTINGS.idleSeconds * 1000;
const SILENCE_MARGIN_MS = 5000;
/** Past this context a session is left for a fresh one (compaction would stall the demo for a minute). */
const CONTEXT_LIMIT = 70_000;
/** The largest context resumed (a 1M-context model's long session). */
const MAX_RESUMED = 250_000;
/** How far below the cache floor the resumed session takes the hit rate. */
const COLD_MARGIN = 0.02;
/** A work act's tach may reach this (just short of HOT) rather than leave a silence that lights IDLE. */
const WORK_HARD_CAP = 0.79;

/** Plays the script until stop() is called. */
export class DemoWriter {
  private stopped = false;
  private wake: (() => void) | null = null;
  private readonly rng: Prng;
  private readonly project: string;
  private readonly script: readonly Act[];
  private readonly clock: () => number;
  private readonly ledger = new WrittenLedger();
  private sessions: Partial<Record<ModelName, SessionCtx>> = {};
  /** The session written last, whether its last record waits on Claude, and when it was written. */
  private last: { ctx: SessionCtx; awaiting: boolean; at: number } | null = null;
  /** In the redline act: when the tach must be back within full scale, once it went past. */
  private overUntil: number | null = null;
  private overMs = 0;
  private actEnd = 0;

  /** Where the demo writes and, in tests, its clock, sleep and writes. */
  constructor(private readonly setup: DemoOptions) {
    this.rng = new Prng(setup.seed ?? 42);
    this.project = path.join(setup.dir, 'projects', projectFolder(CWD));
    this.script = setup.script ?? SCRIPT;
    this.clock = setup.clock ?? Date.now;
  }

  async run(): Promise<void> {
    if (!this.setup.write) await fs.mkdir(this.project, { recursive: true });
    const { starts, cycleSeconds } = timeline(this.script);
    // Every act on a fixed clock from the start, so the cycle never drifts from what --help says.
    for (let cycleStart = this.clock(); !this.stopped; cycleStart += cycleSeconds * 1000) {
      for (let i = 0; i < this.script.length && !this.stopped; i++) {
        const act = this.script[i];
        const end = cycleStart + (starts[i] + act.seconds) * 1000;
        this.setup.onAct?.(act, i);
        await this.play(act, end);
        await this.sleepUntil(end);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private async play(act: Act, end: number): Promise<void> {
    if (act.kind === 'quiet') return;
    if (act.kind === 'hang') return this.hang(act, end);
    const model = act.model ?? 'opus';
    let ctx = act.kind === 'cold' ? this.resumed(model, (act.tach ?? 0.75) * TACH_FULL_SCALE) : this.session(model);
    const full = TACH_FULL_SCALE;
    const cap = (act.tach ?? 0.7) * full;
    if (act.kind === 'cold') {
      // One response on the new model writes the whole context to its cache; then the user reads.
      await this.playTurn(ctx, end, cap, { rounds: 1, subagents: false });
      return;
    }
    const overFrom = act.kind === 'redline' ? end - (act.overSeconds ?? 0) * 1000 - 10_000 : Infinity;
    this.overUntil = null;
    this.overMs = (act.overSeconds ?? 0) * 1000;
    this.actEnd = end;
    while (!this.stopped && this.clock() < end - 1000) {
      const redline = act.kind === 'redline';
      await this.playTurn(ctx, end, cap, { rounds: redline ? this.rng.int(3, 5) : this.rng.int(2, 4), subagents: redline, speed: act.speed }, overFrom);
      ctx = this.session(model); // past the context limit: a fresh session
    }
  }

  /** A session of `model` under way: its context already cached, small enough to keep the tach smooth. */
  private session(model: ModelName): SessionCtx {
    const s = this.sessions[model];
    if (s && s.context <= CONTEXT_LIMIT) return s;
    const ctx = newSession(this.rng, { cwd: CWD, model: MODELS[model], junkRate: 0.05 });
    ctx.context = this.rng.int(30_000, 50_000);
    ctx.pending = this.rng.int(800, 3000);
    this.sessions[model] = ctx;
    return ctx;
  }

  /**
   * A long session resumed after its prompt cache expired: none of its context is cached. Its
   * size is what takes the 5-minute cache hit rate a little below the floor (WARN) with what is
   * already in that window, within the tach's room: lit for a readable while, soon diluted.
   */
  private resumed(model: ModelName, cap: number): SessionCtx {
    const ctx = newSession(this.rng, { cwd: CWD, model: MODELS[model], junkRate: 0 });
    const now = this.clock();
    const { read, prompt } = this.ledger.cacheWindow(now);
    const share = 1 - DEMO_SETTINGS.cacheFloor + COLD_MARGIN; // uncached share wanted
    const needed = Math.ceil((share * prompt - (prompt - read)) / (1 - share));
    const room = cap - this.ledger.rate(now);
    ctx.context = 0;
    ctx.pending = Math.max(20_000, Math.min(MAX_RESUMED, needed, room - 5000));
    return ctx;
  }

  /**
   * One turn, written line by line at its generated pace (sped up, gaps capped) and held under
   * `cap` tokens a minute (or, rather than leave a silence that would light IDLE or STALL, a
   * harder cap). From `overFrom` on, one write may take the tach past full scale (overMoment).
   */
  private async playTurn(ctx: SessionCtx, end: number, cap: number, opts: { rounds: number; subagents: boolean; speed?: number }, overFrom = Infinity): Promise<void> {
    const hardCap = overFrom === Infinity ? Math.max(cap, WORK_HARD_CAP * TACH_FULL_SCALE) : TACH_FULL_SCALE * 0.99;
    const speed = (this.setup.speed ?? 1) * (opts.speed ?? 2);
    const lines = [...turnLines(this.rng, ctx, new Date(this.clock()), opts)];
    // A new prompt only once its first answer fits: the wait is the user's, not Claude's.
    const first = lines.find((l) => l.usage);
    if (first?.usage) {
      const d = this.ledger.delta(first.usage);
      let wait = this.waitFor(d, cap, overFrom);
      if (wait === null || wait > this.silenceLeft()) wait = this.waitFor(d, hardCap, overFrom);
      // Past the silence IDLE allows, the prompt goes in first; the answer then has until STALL.
      const pause = Math.min(wait ?? Infinity, this.silenceLeft(), end - 1000 - this.clock());
      if (pause > 0) await this.sleep(pause);
      if (this.clock() >= end - 1000) return;
    }
    let prevAt = lines[0]?.at.getTime() ?? 0;
    for (const l of lines) {
      if (this.stopped) return;
      const gap = Math.min(MAX_GAP_MS, (l.at.getTime() - prevAt) / speed);
      prevAt = l.at.getTime();
      if (gap > 0) await this.sleep(Math.min(gap, end - this.clock()));
      if (l.usage) {
        const d = this.ledger.delta(l.usage);
        let wait = this.waitFor(d, cap, overFrom);
        if (wait === null || wait > this.silenceLeft()) wait = this.waitFor(d, hardCap, overFrom);
        if (wait === null || wait > this.silenceLeft() || this.clock() + wait >= end) return this.endTurn();
        if (wait > 0) await this.sleep(wait);
      } else if (this.clock() >= end) return this.endTurn();
      await this.append(ctx, l);
    }
  }

  /** Ms until `d` more tokens fit under the act's cap; null when they never will. */
  private waitFor(d: number, cap: number, overFrom: number): number | null {
    const now = this.clock();
    if (now >= overFrom && this.overUntil === null) {
      const at = this.overMoment(d, now, Math.min(now + this.silenceLeft(), this.actEnd - this.overMs));
      if (at !== null) {
        this.overUntil = Math.min(at + this.overMs, this.actEnd);
        return at - now;
      }
    }
    if (d > cap) return null;
    return this.ledger.fitsAt(now, cap - d) - now;
  }

  /**
   * The redline's deliberate moment: the first time in [from, until] at which `d` more tokens take
   * the minute past full scale while enough older tokens leave it within the act's few seconds
   * that the needle comes back by then. Null when no such moment comes.
   */
  private overMoment(d: number, from: number, until: number): number | null {
    const full = TACH_FULL_SCALE;
    const candidates = [from, ...this.ledger.times().map((t) => t + 60_000 - this.overMs + 1)].filter((t) => t >= from && t <= until).sort((a, b) => a - b);
    for (const t of candidates) {
      const rate = this.ledger.sum(t - 60_000, from) + d;
      const after = this.ledger.sum(t + this.overMs - 60_000, from) + d;
      if (rate > full && rate <= full * 1.2 && after <= full * 0.99) return t;
    }
    return null;
  }

  /** How long the writer may still stay silent before STALL (Claude owes a reply) or IDLE would light. */
  private silenceLeft(): number {
    if (!this.last) return Infinity;
    const limit = this.last.awaiting ? STALL_MS : IDLE_MS;
    return Math.max(0, this.last.at + limit - SILENCE_MARGIN_MS - this.clock());
  }

  /** A turn cut short by the act's end: if Claude owed a reply, the user interrupts it (no STALL by accident). */
  private async endTurn(): Promise<void> {
    if (!this.last?.awaiting) return;
    const c = this.last.ctx;
    const t = this.clock();
    const rec = R.user(c, c.parentUuid, c.ids.uuid(), t, [{ type: 'text', text: '[Request interrupted by user]' }]);
    c.parentUuid = rec.uuid as string;
    await this.append(c, { line: JSON.stringify(rec), at: new Date(t), type: 'user' });
  }

  /** A prompt Claude leaves unanswered past the stall time; then its answer streams in. */
  private async hang(act: Act, end: number): Promise<void> {
    const ctx = this.session(act.model ?? 'sonnet');
    const lines = [...turnLines(this.rng, ctx, new Date(this.clock()), { rounds: 1, subagents: false, junk: false })];
    const prompt = Math.max(0, lines.findIndex(isPrompt));
    for (let i = 0; i <= prompt; i++) await this.append(ctx, lines[i]);
    // The answer arrives a few seconds before the act ends, after STALL has shown.
    await this.sleepUntil(end - 2000);
    for (let i = prompt + 1; i < lines.length && !this.stopped; i++) await this.append(ctx, lines[i]);
  }

  private file(ctx: SessionCtx, sub?: string): string {
    return sub ? path.join(this.project, ctx.sessionId, 'subagents', `${sub}.jsonl`) : path.join(this.project, `${ctx.sessionId}.jsonl`);
  }

  /** Writes a line stamped with the time it is really written, as Claude Code does. */
  private async append(ctx: SessionCtx, l: TurnLine): Promise<void> {
    const now = this.clock();
    let out = l.line;
    let rec: any = null;
    try {
      rec = JSON.parse(l.line);
      if (typeof rec.timestamp === 'string') rec.timestamp = new Date(now).toISOString();
      out = JSON.stringify(rec);
    } catch {
      // junk stays junk: the pipeline must skip it
    }
    if (l.usage) this.ledger.add(now, l.usage);
    if (rec && (rec.type === 'user' || rec.type === 'assistant')) {
      this.last = { ctx, awaiting: rec.type === 'user' && awaits(rec), at: now };
    }
    const file = this.file(ctx, l.sub);
    if (this.setup.write) return this.setup.write(file, out);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.appendFile(file, out + '\n');
  }

  private async sleepUntil(t: number): Promise<void> {
    const ms = t - this.clock();
    if (ms > 0) await this.sleep(ms);
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.stopped) return Promise.resolve();
    if (this.setup.sleep) return this.setup.sleep(ms);
    return new Promise((r) => {
      const t = setTimeout(r, ms);
      this.wake = () => {
        clearTimeout(t);
        r();
      };
    });
  }
}

/** The user's own prompt (not a slash command or a compaction summary). */
function isPrompt(l: TurnLine): boolean {
  if (l.type !== 'user' || l.sub) return false;
  const rec = JSON.parse(l.line);
  return typeof rec.message?.content === 'string' && !rec.message.content.startsWith('<') && !rec.isCompactSummary;
}

/** A user record the transcript source reads as "Claude owes a reply". */
function awaits(rec: any): boolean {
  if (rec.isMeta || rec.isCompactSummary || rec.isVisibleInTranscriptOnly) return false;
  const c = rec.message?.content;
  const text = typeof c === 'string' ? c : Array.isArray(c) ? c.find((b: any) => b?.type === 'text')?.text : undefined;
  return !(typeof text === 'string' && (text.startsWith('<command-') || text.startsWith('<local-command') || text.startsWith('[Request interrupted by user')));
}
