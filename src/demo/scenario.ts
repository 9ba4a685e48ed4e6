// The demo's script: realistic transcript lines written in real time into a folder that the
// normal pipeline watches. Bursts on each model, streamed responses, subagents, a quiet spell
// (IDLE) and a turn left hanging (STALL), then round again.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { MODELS, newSession, Prng, projectFolder, turnLines, type SessionCtx } from '../generate/index.js';

export interface Act {
  name: string;
  model: keyof typeof MODELS | null;
  /** Turns to play back to back; 0 with `hang` writes only a prompt. */
  turns: number;
  /** Silence after the act, ms. */
  pauseMs: number;
  /** Write a prompt and leave it unanswered (STALL after the stall time). */
  hang?: boolean;
}

export const SCRIPT: Act[] = [
  { name: 'opus at work', model: 'opus', turns: 3, pauseMs: 4000 },
  { name: 'a quick sonnet task', model: 'sonnet', turns: 2, pauseMs: 3000 },
  { name: 'haiku sweeps up', model: 'haiku', turns: 2, pauseMs: 70_000 },
  { name: 'a question left hanging', model: 'opus', turns: 0, hang: true, pauseMs: 30_000 },
  { name: 'back to opus', model: 'opus', turns: 2, pauseMs: 5000 },
];

export interface DemoOptions {
  dir: string;
  seed?: number;
  /** Playback speed of the gaps inside a turn (tool runs, thinking); 1 = as generated. */
  speed?: number;
  onAct?: (a: Act) => void;
  log?: (m: string) => void;
}

/** Plays the script until stop() is called. */
export class DemoWriter {
  private stopped = false;
  private wake: (() => void) | null = null;
  private readonly rng: Prng;
  private readonly project: string;

  constructor(private readonly o: DemoOptions) {
    this.rng = new Prng(o.seed ?? 42);
    this.project = path.join(o.dir, 'projects', projectFolder('/home/you/demo-project'));
  }

  async run(): Promise<void> {
    await fs.mkdir(this.project, { recursive: true });
    while (!this.stopped) {
      for (const act of SCRIPT) {
        if (this.stopped) return;
        this.o.onAct?.(act);
        const ctx = newSession(this.rng, { cwd: '/home/you/demo-project', model: act.model ? MODELS[act.model] : undefined, junkRate: 0.05 });
        if (act.hang) await this.hang(ctx);
        for (let i = 0; i < act.turns && !this.stopped; i++) await this.playTurn(ctx);
        await this.sleep(act.pauseMs);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private file(ctx: SessionCtx, sub?: string): string {
    return sub ? path.join(this.project, ctx.sessionId, 'subagents', `${sub}.jsonl`) : path.join(this.project, `${ctx.sessionId}.jsonl`);
  }

  private async playTurn(ctx: SessionCtx): Promise<void> {
    const speed = this.o.speed ?? 4;
    const start = Date.now();
    let prev = -1;
    for (const l of turnLines(this.rng, ctx, new Date(start), { rounds: this.rng.int(2, 6) })) {
      if (this.stopped) return;
      const offset = l.at.getTime() - start;
      if (prev >= 0) await this.sleep(Math.min(4000, (offset - prev) / speed));
      prev = offset;
      await this.append(this.file(ctx, l.sub), l.line);
    }
  }

  private async hang(ctx: SessionCtx): Promise<void> {
    for (const l of turnLines(this.rng, ctx, new Date(), { rounds: 1, subagents: false, junk: false })) {
      await this.append(this.file(ctx, l.sub), l.line);
      if (l.type === 'user') return; // the prompt is written; Claude never answers
    }
  }

  /** Writes a line stamped with the time it is really written, as Claude Code does. */
  private async append(file: string, line: string): Promise<void> {
    let out = line;
    try {
      const rec = JSON.parse(line);
      if (typeof rec.timestamp === 'string') rec.timestamp = new Date().toISOString();
      out = JSON.stringify(rec);
    } catch {
      // junk stays junk: the pipeline must skip it
    }
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.appendFile(file, out + '\n');
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.stopped) return Promise.resolve();
    return new Promise((r) => {
      const t = setTimeout(r, ms);
      this.wake = () => {
        clearTimeout(t);
        r();
      };
    });
  }
}
