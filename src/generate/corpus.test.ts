import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateCorpus, type CorpusSummary } from './corpus.js';
import { Prng } from './prng.js';
import { newSession } from './session.js';
import { turnLines } from './turn.js';

const START = new Date('2026-02-01T00:00:00.000Z');
const END = new Date('2026-02-08T00:00:00.000Z');
const SIZE = 12 * 1024 * 1024;
const SEED = 7;
const HOUR = 3_600_000;
// dist/src/generate/ -> repository root
const CCUSAGE = fileURLToPath(new URL('../../../node_modules/.bin/ccusage', import.meta.url));

interface FileData { rel: string; lines: string[] }

async function readTree(root: string): Promise<FileData[]> {
  const dir = join(root, 'projects');
  const names = (await readdir(dir, { recursive: true })).filter((n) => n.endsWith('.jsonl')).sort();
  const out: FileData[] = [];
  for (const n of names) {
    const text = await readFile(join(dir, n), 'utf8');
    assert.ok(text.endsWith('\n'), `${n} ends with a newline`);
    out.push({ rel: n.split(sep).join('/'), lines: text.slice(0, -1).split('\n') });
  }
  return out;
}

async function digest(root: string): Promise<string> {
  const h = createHash('sha256');
  const dir = join(root, 'projects');
  for (const n of (await readdir(dir, { recursive: true })).sort()) {
    if (!n.endsWith('.jsonl')) continue;
    h.update(n).update(await readFile(join(dir, n)));
  }
  return h.digest('hex');
}

function tryParse(line: string): any {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

const keyOf = (o: any): string => `${o.message.id}:${o.requestId}`;
const isReal = (o: any): boolean => o?.type === 'assistant' && o.message?.model !== '<synthetic>';

describe('generateCorpus', () => {
  let dir: string;
  let summary: CorpusSummary;
  let files: FileData[];
  const tmp: string[] = [];
  const newDir = async (): Promise<string> => {
    const d = await mkdtemp(join(tmpdir(), 'cg-history-'));
    tmp.push(d);
    return d;
  };

  before(async () => {
    dir = await newDir();
    summary = await generateCorpus({ outDir: dir, seed: SEED, targetBytes: SIZE, start: START, end: END });
    files = await readTree(dir);
  });
  after(async () => {
    for (const d of tmp) await rm(d, { recursive: true, force: true });
  });

  test('is deterministic for a seed; the seed and the id prefix change the output', async () => {
    const again = await newDir();
    const s2 = await generateCorpus({ outDir: again, seed: SEED, targetBytes: SIZE, start: START, end: END });
    assert.deepEqual(s2, summary);
    assert.equal(await digest(again), await digest(dir));

    const other = await newDir();
    await generateCorpus({ outDir: other, seed: SEED + 1, targetBytes: SIZE, start: START, end: END });
    assert.notEqual(await digest(other), await digest(dir));

    const prefixed = await newDir();
    await generateCorpus({ outDir: prefixed, seed: SEED, targetBytes: SIZE, start: START, end: END, uniquePrefix: 'host-b' });
    const ids = (fs: FileData[]): Set<string> =>
      new Set(fs.flatMap((f) => f.lines.map(tryParse).filter(isReal).map(keyOf)));
    const a = ids(files);
    const shared = [...ids(await readTree(prefixed))].filter((k) => a.has(k));
    assert.equal(shared.length, 0, 'a different uniquePrefix shares no response ids');
  });

  test('hits the requested size within 5 % and reports it exactly', async () => {
    assert.ok(summary.bytes <= SIZE && summary.bytes >= SIZE * 0.95, `bytes ${summary.bytes} vs ${SIZE}`);
    let onDisk = 0;
    for (const f of files) onDisk += (await stat(join(dir, 'projects', f.rel))).size;
    assert.equal(onDisk, summary.bytes);
    assert.equal(files.length, summary.files);
    assert.equal(files.reduce((n, f) => n + f.lines.length, 0), summary.lines);
  });

  test('tiny budgets stay under budget without crashing', async () => {
    for (const size of [1024, 200_000]) {
      const d = await newDir();
      const s = await generateCorpus({ outDir: d, seed: 3, targetBytes: size, start: START, end: END });
      assert.ok(s.bytes <= size, `${s.bytes} <= ${size}`);
    }
  });

  test('uses the real layout, with subagent transcripts', () => {
    const session = /^-home-dev-[a-z-]+\/[0-9a-f-]{36}\.jsonl$/;
    const sub = /^-home-dev-[a-z-]+\/([0-9a-f-]{36})\/subagents\/agent-(a[0-9a-f]{6}|acompact-[0-9a-f]{6})\.jsonl$/;
    const subs = files.filter((f) => sub.test(f.rel));
    assert.ok(subs.length > 0, 'has subagent files');
    assert.equal(subs.length, summary.subagentFiles);
    for (const f of files) assert.ok(session.test(f.rel) || sub.test(f.rel), f.rel);
    for (const f of subs) {
      const [, sessionId, agentId] = sub.exec(f.rel)!;
      for (const o of f.lines.map(tryParse).filter((x) => x?.type === 'assistant' || x?.type === 'user')) {
        assert.equal(o.isSidechain, true);
        assert.equal(o.agentId, agentId);
        assert.equal(o.sessionId, sessionId);
      }
    }
  });

  test('every line but the counted junk is JSON; timestamps in range and in order per file', () => {
    let junk = 0;
    for (const f of files) {
      let prev = '';
      for (const line of f.lines) {
        const o = tryParse(line);
        if (o === undefined) { junk++; continue; }
        assert.equal(typeof o, 'object');
        if (typeof o.timestamp !== 'string') continue;
        assert.match(o.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        assert.ok(o.timestamp >= START.toISOString() && o.timestamp <= END.toISOString(), o.timestamp);
        assert.ok(o.timestamp >= prev, `${f.rel}: ${o.timestamp} after ${prev}`);
        prev = o.timestamp;
      }
    }
    assert.ok(junk > 0, 'some junk lines');
    assert.equal(junk, summary.junkLines);
  });

  test('streamed responses share ids, counts, and grow output_tokens to the last line', () => {
    let multi = 0;
    let grows = 0;
    let lines = 0;
    let nullStop = 0;
    for (const f of files) {
      const groups = new Map<string, any[]>();
      for (const o of f.lines.map(tryParse).filter(isReal)) {
        const g = groups.get(keyOf(o)) ?? [];
        g.push(o);
        groups.set(keyOf(o), g);
        lines++;
        if (o.message.stop_reason === null) nullStop++;
      }
      for (const g of groups.values()) {
        const u0 = g[0].message.usage;
        for (let i = 1; i < g.length; i++) {
          const u = g[i].message.usage;
          assert.equal(u.input_tokens, u0.input_tokens);
          assert.equal(u.cache_read_input_tokens, u0.cache_read_input_tokens);
          assert.equal(u.cache_creation_input_tokens, u0.cache_creation_input_tokens);
          assert.ok(u.output_tokens >= g[i - 1].message.usage.output_tokens, 'output_tokens never shrinks');
        }
        if (g.length > 1) multi++;
        if (g[g.length - 1].message.usage.output_tokens > u0.output_tokens) grows++;
      }
    }
    assert.ok(multi > 20 && grows > 20, `multi-line responses ${multi}, growing ${grows}`);
    assert.ok(nullStop / lines > 0.9, 'stop_reason null on nearly all lines');
  });

  test('resumed sessions replay earlier responses into other files, same ids and timestamps', () => {
    const where = new Map<string, { rel: string; ts: string; sessionId: string }>();
    let replays = 0;
    for (const f of files) {
      for (const o of f.lines.map(tryParse).filter(isReal)) {
        const k = `${keyOf(o)}:${o.uuid}`;
        const seen = where.get(k);
        if (!seen) { where.set(k, { rel: f.rel, ts: o.timestamp, sessionId: o.sessionId }); continue; }
        if (seen.rel === f.rel) continue;
        replays++;
        assert.equal(o.timestamp, seen.ts);
        assert.notEqual(o.sessionId, seen.sessionId);
      }
    }
    assert.ok(replays > 0 && summary.replayedLines > 0, `replayed assistant lines: ${replays}`);
  });

  test('has the quirks readers must survive', () => {
    const all = files.flatMap((f) => f.lines.map(tryParse).filter(Boolean));
    const synthetic = all.filter((o) => o.type === 'assistant' && o.message.model === '<synthetic>');
    assert.ok(synthetic.length > 0, 'synthetic placeholders');
    for (const o of synthetic) assert.equal(o.message.usage.output_tokens + o.message.usage.cache_read_input_tokens, 0);

    const subKeys = new Set(files.filter((f) => f.rel.includes('/subagents/')).flatMap((f) => f.lines.map(tryParse).filter(isReal).map(keyOf)));
    const mirrors = all.filter((o) => o.type === 'progress' && o.data?.type === 'agent_progress' && o.data.message?.type === 'assistant');
    assert.ok(mirrors.length > 0, 'progress lines mirror subagent responses');
    for (const m of mirrors) {
      assert.ok(m.data.message.message.usage, 'mirror carries usage');
      assert.ok(subKeys.has(keyOf(m.data.message)), 'mirrored response lives in a subagent file');
    }

    const blocks = all.filter(isReal).map((o) => o.message.content[0]);
    assert.ok(blocks.some((b) => b.type === 'thinking' && b.thinking === '' && b.signature.length > 100), 'empty thinking with signature');
    assert.ok(all.some((o) => isReal(o) && o.message.usage.output_tokens_details?.thinking_tokens > 0), 'thinking_tokens');
    const models = new Set(all.filter(isReal).map((o) => o.message.model));
    for (const m of ['claude-opus-4-6', 'claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001']) assert.ok(models.has(m), m);
    for (const t of ['file-history-snapshot', 'system', 'summary']) assert.ok(all.some((o) => o.type === t), t);
    const longest = Math.max(...files.flatMap((f) => f.lines.filter((l) => l.includes('"tool_result"')).map((l) => l.length)));
    assert.ok(longest > 20_000, `long tool output (${longest} chars)`);
  });

  test('has a multi-day chain: responses never more than 4 h apart for over 36 h', () => {
    const times = [...new Set(files.flatMap((f) => f.lines.map(tryParse).filter(isReal).map((o) => Date.parse(o.timestamp))))].sort((a, b) => a - b);
    let longest = 0;
    let from = times[0];
    for (let i = 1; i < times.length; i++) {
      if (times[i] - times[i - 1] > 4 * HOUR) from = times[i];
      longest = Math.max(longest, times[i] - from);
    }
    assert.ok(longest > 36 * HOUR, `longest chain ${(longest / HOUR).toFixed(1)} h`);
  });

  test('summary tokens equal an independent dedupe of the files; cache reads dominate', () => {
    const best = new Map<string, any>();
    for (const f of files) {
      for (const o of f.lines.map(tryParse).filter(isReal)) {
        const prev = best.get(keyOf(o));
        if (!prev || o.message.usage.output_tokens > prev.output_tokens) best.set(keyOf(o), o.message.usage);
      }
    }
    let input = 0, output = 0, cc = 0, cr = 0;
    for (const u of best.values()) {
      input += u.input_tokens; output += u.output_tokens; cc += u.cache_creation_input_tokens; cr += u.cache_read_input_tokens;
    }
    assert.equal(best.size, summary.responses);
    assert.deepEqual(summary.tokens, { input, output, cacheCreation: cc, cacheRead: cr, total: input + output + cc + cr });
    const share = cr / summary.tokens.total;
    assert.ok(share > 0.94 && share < 0.99, `cache read share ${share}`);
  });

  test('ccusage parses it: same totals, and a block rolls over inside a continuous chain', async (t) => {
    if (!existsSync(CCUSAGE)) {
      if (!process.env.CI) {
        t.skip(`ccusage binary not found at ${CCUSAGE} (run npm install); required in CI`);
        return;
      }
      assert.fail(`ccusage binary missing at ${CCUSAGE}`);
    }
    let stdout: string;
    try {
      ({ stdout } = await promisify(execFile)(CCUSAGE, ['blocks', '--json', '--offline'], {
        env: { ...process.env, CLAUDE_CONFIG_DIR: dir, TZ: 'UTC' },
        maxBuffer: 64 * 1024 * 1024,
      }));
    } catch (err: any) {
      // The npm wrapper is there but its native binary is not (unsupported platform).
      if (!process.env.CI && /native binary is not available/.test(String(err?.stderr))) {
        t.skip(`ccusage native binary unavailable on ${process.platform}-${process.arch}; required in CI`);
        return;
      }
      throw err;
    }
    const blocks: any[] = JSON.parse(stdout).blocks;
    const real = blocks.filter((b) => !b.isGap);
    assert.ok(real.length > 1 && real.every((b) => b.totalTokens > 0), 'blocks with non-zero totals');
    assert.equal(real.reduce((n, b) => n + b.totalTokens, 0), summary.tokens.total, 'ccusage total = generator total');
    // A gap block marks a >5 h pause; two adjacent real blocks mean the 5-hour window ran out
    // while activity continued.
    const rollovers = blocks.filter((b, i) => i > 0 && !b.isGap && !blocks[i - 1].isGap &&
      Date.parse(b.startTime) - Date.parse(blocks[i - 1].actualEndTime) < 5 * HOUR);
    assert.ok(rollovers.length > 0, 'a block boundary inside a chain');
  });
});

describe('turnLines', () => {
  test('yields one turn in time order, usage on real assistant lines only', () => {
    const r = new Prng(42);
    const ctx = newSession(r, { cwd: '/home/dev/demo', junkRate: 0 });
    const at = new Date('2026-03-01T10:00:00.000Z');
    const lines = [...turnLines(r, ctx, at, { rounds: 3, prompt: 'hello' })];
    let prev = at.getTime();
    for (const l of lines) {
      assert.ok(l.at.getTime() >= prev);
      prev = l.at.getTime();
      const o = JSON.parse(l.line);
      assert.equal(o.type, l.type);
      assert.equal(l.usage !== undefined, isReal(o));
      if (l.usage) assert.equal(l.usage.key, keyOf(o));
    }
    assert.ok(lines.some((l) => l.type === 'user' && l.line.includes('"content":"hello"')));
    assert.ok(lines.filter((l) => l.usage && !l.sub).length >= 3);
    assert.ok(ctx.parentUuid !== null && ctx.context > 0, 'context advanced');
  });
});
