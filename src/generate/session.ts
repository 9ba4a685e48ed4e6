// The state a transcript writer carries between turns: who is writing (session, subagent),
// which Claude Code version (decides quirks), and how big the cached context has grown.
import { Prng } from './prng.js';
import { slug } from './text.js';

export const MODELS = {
  opus: 'claude-opus-4-6',
  sonnet: 'claude-sonnet-4-5-20250929',
  haiku: 'claude-haiku-4-5-20251001',
} as const;

/** Claude Code versions in release order; history picks later ones as time goes on. */
export const VERSIONS = ['2.1.39', '2.1.44', '2.1.52', '2.1.63', '2.1.69', '2.1.74', '2.1.83', '2.1.97'];

export interface SessionCtx {
  sessionId: string;
  cwd: string;
  gitBranch: string;
  version: string;
  slug: string;
  model: string;
  /** Set in subagent transcripts (`isSidechain: true`). */
  agentId?: string;
  /** uuid of the last record in this transcript: the next record's parentUuid. */
  parentUuid: string | null;
  /** Tokens already in the prompt cache: the next request's cache_read. */
  context: number;
  /** Tokens added since the last request (prompt, tool results, last output): its cache write. */
  pending: number;
  /** Context size at which Claude Code auto-compacts. */
  compactAt: number;
  /** Cache writes land in the 1-hour bucket (else the 5-minute one). */
  cache1h: boolean;
  /** Claude Code >= 2.1.69 stores thinking blocks empty, signature only. */
  emptyThinking: boolean;
  /** The API reports usage.output_tokens_details.thinking_tokens. */
  thinkingTokens: boolean;
  /** Extended thinking in use: responses often open with a thinking block. */
  thinking: boolean;
  /** User has hooks configured: hook_progress and stop_hook_summary records. */
  hooks: boolean;
  /** Chance per turn of one malformed line (blank, garbage, truncated). */
  junkRate: number;
  /** Source of every id (uuid, msg_, req_, toolu_); may be a stream apart from content. */
  ids: Prng;
}

export interface NewSessionOptions {
  cwd: string;
  gitBranch?: string;
  version?: string;
  model?: string;
  sessionId?: string;
  junkRate?: number;
  ids?: Prng;
}

/** Compares dotted versions numerically. */
export function versionAtLeast(v: string, min: string): boolean {
  const a = v.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

/** A fresh main-session context with randomized (seeded) habits. */
export function newSession(r: Prng, o: NewSessionOptions): SessionCtx {
  const ids = o.ids ?? r;
  const version = o.version ?? r.pick(VERSIONS);
  const model = o.model ?? r.weighted([[MODELS.opus, 70], [MODELS.sonnet, 25], [MODELS.haiku, 5]] as const);
  return {
    sessionId: o.sessionId ?? ids.uuid(),
    cwd: o.cwd,
    gitBranch: o.gitBranch ?? r.pick(['main', 'main', 'master', `feat/${slug(r).split('-')[2]}`]),
    version,
    slug: slug(r),
    model,
    parentUuid: null,
    // System prompt, tool definitions and CLAUDE.md: often partly cached from earlier sessions.
    context: r.chance(0.6) ? r.int(14000, 22000) : 0,
    pending: r.int(16000, 26000),
    compactAt: r.int(150_000, 168_000),
    cache1h: r.chance(0.7),
    emptyThinking: versionAtLeast(version, '2.1.69'),
    thinkingTokens: versionAtLeast(version, '2.1.74'),
    thinking: model !== MODELS.haiku && r.chance(0.85), // on by default in recent Claude Code
    hooks: r.chance(0.4),
    junkRate: o.junkRate ?? 0.02,
    ids,
  };
}

/** The same session under another Claude Code version (a resume runs the current binary). */
export function withVersion(c: SessionCtx, version: string): SessionCtx {
  const v = versionAtLeast(version, c.version) ? version : c.version;
  return { ...c, version: v, emptyThinking: versionAtLeast(v, '2.1.69'), thinkingTokens: versionAtLeast(v, '2.1.74') };
}

/** The context of a subagent started by `parent` (Task tool): same session, own transcript. */
export function subagentCtx(r: Prng, parent: SessionCtx, agentId: string, model: string): SessionCtx {
  return {
    ...parent,
    agentId,
    model,
    parentUuid: null,
    context: 0,
    pending: r.int(9000, 14000),
    thinking: false,
    junkRate: 0,
  };
}

/** Claude Code's project folder name for a working directory. */
export function projectFolder(cwd: string): string {
  return cwd.replace(/[^a-zA-Z0-9]/g, '-');
}
