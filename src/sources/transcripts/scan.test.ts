// The fast paths of a bulk scan must give exactly what the plain path gives: content elided
// before parsing, lines picked by the usage mark, files split over worker threads.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { generateCorpus } from '../../generate/index.js';
import { discover } from './discover.js';
import { batches, scanAll, scanParallel } from './parallel.js';
import { folderProjectOf } from './project-folder.js';
import { beatsWhole, ResponseFold, sessionIdOf } from '../../core/response-fold.js';
import type { ResponseEvent } from '../../core/events.js';
import { eventsFromLines } from './lines.js';
import { parseLine, TRUSTED } from './parse.js';
import { markedLines, scanChunk, scanFiles } from './scan.js';
import { FIXTURES, tempDir } from '../../../test/helpers/cli.js';

/** The cut at string level, written plainly: the reference the byte-level cut in scan.ts must match. */
function elideContent(line: string): string {
  const m = line.indexOf('"message":{');
  if (m < 0) return line;
  const c = line.indexOf('"content":[', m);
  if (c < 0) return line;
  const s = line.lastIndexOf(',"stop_reason":');
  if (s < c) return line;
  const again = line.indexOf('"message":{', c);
  if (again !== -1 && again < s) return line;
  return `${line.slice(0, c + 10)}[]${line.slice(s)}`;
}

async function corpus(): Promise<string[]> {
  const gen = await tempDir('scan');
  await generateCorpus({ outDir: gen, seed: 5, targetBytes: 6 * 1024 * 1024, start: new Date('2026-05-01T00:00:00Z'), end: new Date('2026-05-04T00:00:00Z') });
  return [...discover([FIXTURES]).files, ...discover([gen]).files].map((f) => f.path);
}

/** Events of lines, as the scan reads them: cut copies with their whole line beside them. */
function events(lines: string[], whole?: () => string): unknown[] {
  const out: unknown[] = [];
  eventsFromLines(lines, { records: 0, skipped: 0 }, (e) => out.push(e), false, whole && (() => whole()));
  return out;
}

test('eliding content before parsing changes no event, on every fixture and generated line', async () => {
  let lines = 0;
  let elided = 0;
  let trusted = 0;
  for (const f of await corpus()) {
    const buf = readFileSync(f);
    const fast = markedLines(buf, buf.lastIndexOf(0x0a), true);
    const plain = markedLines(buf, buf.lastIndexOf(0x0a), false);
    assert.equal(fast.length, plain.length);
    for (let i = 0; i < plain.length; i++) {
      lines++;
      // A copy found plain (plain-json.ts) comes marked TRUSTED: parseLine skips the strict checks.
      const copy = fast[i].endsWith(TRUSTED) ? (trusted++, fast[i].slice(0, -TRUSTED.length)) : fast[i];
      if (copy.length < plain[i].length) elided++;
      assert.equal(elideContent(plain[i]), copy, `byte-level and string-level elision agree (${path.basename(f)})`);
      assert.deepEqual(events([fast[i]], () => plain[i]), events([plain[i]]), `${path.basename(f)} line ${i}`);
    }
  }
  assert.ok(lines > 2000 && elided > lines / 2, `${elided} of ${lines} usage lines were elided`);
  assert.ok(trusted > lines * 0.9, `${trusted} of ${lines} usage lines were found plain`);
});

test('a torn or glued line still fails after elision, as it does whole', () => {
  const line = readFileSync(path.join(FIXTURES, 'projects', '-home-dev-spotter', 'short.jsonl'), 'utf8').split('\n').find((l) => l.includes('"usage":{') && l.includes('"type":"assistant"'))!;
  for (const cut of [line.length - 5, line.length - 40, Math.floor(line.length / 2)]) {
    assert.deepEqual(parseLine(elideContent(line.slice(0, cut)), false), { ok: false, reason: 'malformed' });
  }
  assert.deepEqual(parseLine(elideContent(line.slice(0, 60) + line), false), { ok: false, reason: 'malformed' });
});

test('a record torn inside its content and glued to the next one is credited to neither', () => {
  // Found by test/reliability/fuzz-transcripts: the cut ran from the first record's content to the
  // second one's stop_reason, giving a valid line with the first id and the second usage.
  const line = readFileSync(path.join(FIXTURES, 'projects', '-home-dev-spotter', 'short.jsonl'), 'utf8').split('\n').find((l) => l.includes('"usage":{') && l.includes('"stop_reason"'))!;
  const second = JSON.parse(line);
  second.message.id = 'msg_second';
  second.requestId = 'req_second';
  const glued = line.slice(0, line.indexOf('"content":[') + 20) + JSON.stringify(second);
  const buf = Buffer.from(`${glued}\n`);
  const fast = markedLines(buf, buf.length - 1, true);
  assert.deepEqual(fast, [glued], 'decoded whole');
  const keys = (lines: string[]) => {
    const out: string[] = [];
    eventsFromLines(lines, { records: 0, skipped: 0 }, (e) => e.kind === 'response' && out.push(e.key), false);
    return out;
  };
  assert.deepEqual(keys(fast), [], 'dropped whole, as ccusage drops it (no repair to the second record)');
});

test('a cut copy that does not parse is read whole: the scan counts what the line-by-line path counts', () => {
  // Both found by test/reliability/fuzz-transcripts. (1) No stop_reason on the message but one in a
  // tool input: the cut ends inside the tool input and breaks a valid line. (2) Junk before a record
  // with many nested objects (once repaired; now dropped on both paths, as ccusage drops it).
  const rec = (o: Record<string, unknown>) => ({ type: 'assistant', sessionId: 's1', timestamp: '2026-01-01T00:00:00.000Z', requestId: 'req_1', ...o });
  const toolStop = JSON.stringify(rec({ message: { id: 'msg_1', content: [{ type: 'tool_use', input: { stop_reason: {} } }], top_reason: 'end_turn', usage: { input_tokens: 5 } } }));
  const deep = JSON.stringify(rec({ message: { id: 'msg_2', content: Array.from({ length: 9 }, () => ({ type: 'text', text: 'x' })), stop_reason: 'end_turn', usage: { input_tokens: 7 } } }));
  for (const line of [toolStop, `{${deep}`]) {
    const buf = Buffer.from(`${line}\n`);
    const viaScan: unknown[] = [];
    scanChunk(buf, buf.length - 1, { records: 0, skipped: 0 }, (e) => viaScan.push(e));
    const plain: unknown[] = [];
    eventsFromLines([line], { records: 0, skipped: 0 }, (e) => plain.push(e), false);
    assert.deepEqual(viaScan, plain);
  }
});

test('worker threads give the same responses, in the same order, as one thread', async () => {
  const files = discover([FIXTURES]).files.sort((a, b) => (a.path < b.path ? -1 : 1));
  const one = scanFiles(files.map((f) => f.path));
  const runs = batches(files, 64 * 1024);
  assert.ok(runs.length >= 4, `${runs.length} batches`);
  assert.deepEqual(runs.flat().map((f) => f.path), files.map((f) => f.path), 'contiguous runs in path order');
  // Folding the parts in order must give the single-thread winners (as the engine folds them).
  const fold = (parts: { responses: any[] }[]) => {
    const merged = new Map<string, any>();
    for (const p of parts) for (const e of p.responses) if (!merged.has(e.key) || totalOf(e) > totalOf(merged.get(e.key))) merged.set(e.key, e);
    return merged;
  };
  const merged = fold(runs.map((g) => scanFiles(g.map((f) => f.path))));
  assert.equal(merged.size, one.responses.length);
  for (const e of one.responses) assert.deepEqual(merged.get(e.key), e);
  const passedOn: unknown[] = [];
  const progress: number[] = [];
  await scanParallel(files, (r) => passedOn.push(r), { threads: 2, minBytes: 0, batchBytes: 64 * 1024, onProgress: (n) => progress.push(n) });
  const threaded = await scanAll(files, { threads: 2, minBytes: 0, batchBytes: 64 * 1024 });
  assert.equal(threaded.length, runs.length, 'one result per batch');
  assert.deepEqual(passedOn, threaded, 'passed on in file order');
  assert.equal(progress.at(-1), files.length);
  assert.deepEqual(progress, [...progress].sort((a, b) => a - b));
  assert.deepEqual([...fold(threaded).values()], [...merged.values()]);
  assert.equal(threaded.reduce((a, p) => a + p.stats.records, 0), one.stats.records);
  // This thread taking batches too (a one-shot report): the same results, in the same order.
  const helped: unknown[] = [];
  const helpedProgress: number[] = [];
  await scanParallel(files, (r) => helped.push(r), { threads: 1, minBytes: 0, batchBytes: 64 * 1024, scanHere: true, onProgress: (n) => helpedProgress.push(n) });
  assert.deepEqual(helped, threaded, 'this thread and a worker: the same batches passed on in file order');
  assert.deepEqual(helpedProgress, progress);
});

const totalOf = (e: any) => e.tokens.input + e.tokens.output + e.tokens.cacheCreation + e.tokens.cacheRead;

test("the session report's scan: copies folded in the history's order, each with its project folder, the same in any batches and threads", async () => {
  const files = discover([FIXTURES]).files.sort((a, b) => (a.path < b.path ? -1 : 1));
  const one = scanFiles(files.map((f) => f.path), undefined, 'whole');
  assert.ok(one.responses.every((e) => e.project === folderProjectOf(files.find((f) => f.path.includes(`/${e.project}/`))!.path)), 'a project folder on every response');
  assert.ok(one.responses.some((e) => e.agent), 'subagents among them');
  // A total order: folding in reverse gives the same winners (ccusage's rule keeps the first read).
  const back = scanFiles([...files].reverse().map((f) => f.path), undefined, 'whole');
  const byKey = (es: readonly ResponseEvent[]) => new Map(es.map((e) => [e.key, e]));
  assert.deepEqual(byKey(back.responses), byKey(one.responses), 'files read in reverse: the same winner for every response');
  // Threads, and this thread beside them: the packed copies carry project and agent across.
  const whole = new ResponseFold('whole');
  await scanParallel(files, (r) => r.responses.forEach((e) => whole.add(e)), { threads: 1, minBytes: 0, batchBytes: 64 * 1024, scanHere: true, order: 'whole' });
  assert.deepEqual(byKey(whole.responses), byKey(one.responses));
});

test("the history's order breaks ties by time, then sessionId, project folder and subagent", () => {
  const copy = (o: Partial<ResponseEvent>): ResponseEvent => ({ kind: 'response', key: 'k', at: 10, model: 'm', tokens: { input: 1, output: 1, cacheCreation: 0, cacheRead: 0 }, cacheCreation1h: 0, thinkingReported: null, visibleChars: 0, session: 's', agent: '', synthetic: false, sidechain: false, speed: false, ...o });
  assert.ok(beatsWhole(copy({ tokens: { input: 2, output: 1, cacheCreation: 0, cacheRead: 0 }, at: 99 }), copy({})), 'more tokens first');
  assert.ok(beatsWhole(copy({ at: 9 }), copy({})), 'then the earlier line');
  assert.ok(beatsWhole(copy({ session: 'r' }), copy({})), 'then the smaller session');
  // A subagent's session names it (`s/a`); its sessionId is `s`, which ties with the session's own.
  assert.equal(sessionIdOf(copy({ session: 's/a1', agent: 'a1' })), 's');
  assert.ok(beatsWhole(copy({ session: 's', project: 'p1' }), copy({ session: 's/a1', agent: 'a1', project: 'p2' })), 'then the smaller project');
  assert.ok(beatsWhole(copy({ session: 's' }), copy({ session: 's/a1', agent: 'a1' })), 'then no subagent before one');
  assert.ok(!beatsWhole(copy({}), copy({})), 'never over itself');
});
