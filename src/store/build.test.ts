// The first build (parallel readers, one writer) makes exactly the history the file-by-file
// ingest makes: same rows, same costs, same offsets, on a generated history with junk lines and
// resumed sessions (replayed responses and prompts in other files), from empty and when going on
// from a history that already holds part of the files.
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { appendFileSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { generateCorpus } from '../generate/corpus.js';
import { discover } from '../sources/transcripts/discover.js';
import { textLines } from '../sources/files/lines.js';
import { plainLine } from '../sources/transcripts/plain-json.js';
import { extractBytes } from './build-lines.js';
import { buildHistory, type BuildFile } from './build.js';
import { extractLine } from './extract.js';
import { plainLine as plainLineBytes } from './plain-line.js';
import { openHistory, type Db } from './db.js';
import { historyBlocks, keepBlocks } from './history-blocks.js';
import { ingestPaths } from './ingest.js';
import { Pricer } from './pricing.js';
import { exportJson } from './transfer.js';
import { tempDir } from '../../test/helpers/cli.js';
import { fillReportSlots, GROUPED_RESPONSES } from './report-slots.js';

function listed(dir: string): BuildFile[] {
  return discover([dir]).files.sort((a, b) => a.mtimeMs - b.mtimeMs).map((f) => ({ path: f.path, size: f.size }));
}

/** Everything the history holds but the files' write times. */
function contents(db: Db): unknown {
  const { exported_at: _, ...doc } = exportJson(db);
  // Exports round dollars to 1e-10; the raw figures are compared too.
  const raw = db.prepare('SELECT key, cost, cache_saved, thinking, visible_chars FROM responses ORDER BY key').all();
  return { ...doc, raw, files: db.prepare('SELECT id, path, offset, head, head_len, seen_size, seen_mtime_ms FROM files ORDER BY id').all() };
}

const pricer = new Pricer();

test('a history built by the parallel readers equals one ingested file by file, from empty and going on', async () => {
  const dir = await tempDir('cg-build-');
  const summary = await generateCorpus({ outDir: dir, targetBytes: 3 * 1024 * 1024, seed: 11, start: new Date('2026-03-01T00:00:00Z'), end: new Date('2026-03-09T00:00:00Z'), junkRate: 0.05 });
  assert.ok(summary.junkLines > 0 && summary.replayedLines > 0, 'the history has junk lines and resumed sessions');
  const files = listed(dir);
  const old = openHistory(path.join(dir, 'old.sqlite'));
  const parallel = openHistory(path.join(dir, 'parallel.sqlite'));
  const inline = openHistory(path.join(dir, 'inline.sqlite'));
  const oneReader = openHistory(path.join(dir, 'one-reader.sqlite'));
  try {
    const a = ingestPaths(old.db, files.map((f) => f.path), pricer);
    // Small batches over two threads: many batches arrive out of order and are applied in order.
    const b = await buildHistory(parallel.db, files, pricer, { threads: 2, minParallelBytes: 0, batchBytes: 64 * 1024 });
    const c = await buildHistory(inline.db, files, pricer, { threads: 0 });
    // As the daemon builds: one reader, and the writer reads the batches ahead while it waits.
    const d = await buildHistory(oneReader.db, files, pricer, { threads: 1, minParallelBytes: 0, batchBytes: 64 * 1024 });
    assert.ok(a.lines > 1000 && a.skipped > 0);
    assert.deepEqual([b.lines, b.skipped], [a.lines, a.skipped], 'lines read and skipped');
    assert.deepEqual([c.lines, c.skipped], [a.lines, a.skipped]);
    assert.deepEqual([d.lines, d.skipped], [a.lines, a.skipped]);
    const want = contents(old.db);
    assert.ok((want as { responses: unknown[] }).responses.length > 100);
    assert.deepEqual(contents(parallel.db), want);
    assert.deepEqual(contents(inline.db), want);
    assert.deepEqual(contents(oneReader.db), want);
    // Each file's size and time as it was read (the currency check's), from the listing's stat alike.
    const seen = parallel.db.prepare('SELECT path, seen_size AS size, seen_mtime_ms AS mtimeMs FROM files ORDER BY path').all();
    const stats = discover([dir]).files.map((f) => ({ path: f.path, size: f.size, mtimeMs: f.mtimeMs }));
    assert.deepEqual(seen, stats.sort((x, y) => (x.path < y.path ? -1 : 1)));

    // The blocks kept so far (the daemon keeps them after each build): a build that changes a
    // response they folded must drop them, so it keeps the trigger that does while any are kept.
    // So with the report sums' triggers (lifted as those while the sums are empty).
    const triggers = "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN ('block_summaries_insert', 'report_slots_replace', 'report_slots_insert') ORDER BY name)";
    for (const h of [old, parallel, inline, oneReader]) assert.equal(h.db.prepare(triggers).pluck().get(), 'block_summaries_insert report_slots_insert report_slots_replace', 'the build leaves the triggers in place');
    // The first builds made their indexes at the end (deferred-indexes.ts): the same ones, and none left waiting.
    const indexes = (h: typeof old) => h.db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").all();
    assert.ok(indexes(old).length >= 10);
    for (const h of [parallel, inline, oneReader]) {
      assert.deepEqual(indexes(h), indexes(old), 'the first build leaves every index the migrations made');
      assert.equal(h.db.prepare("SELECT count(*) FROM meta WHERE k = 'deferred_indexes'").pluck().get(), 0);
    }
    keepBlocks(old.db);
    keepBlocks(parallel.db);
    assert.equal(fillReportSlots(parallel.db), true);
    assert.ok((parallel.db.prepare('SELECT count(*) FROM block_summaries').pluck().get() as number) > 3);

    // Going on: files grow (one by an unfinished line, left for its newline), a new one appears.
    const grown = files.slice(-3).map((f) => f.path);
    const first = (await fs.readFile(files[0].path, 'utf8')).split('\n');
    // A larger copy of the first response: it wins, at a time long before the last kept block.
    const larger = JSON.parse(first.find((l) => l.includes('"usage":{') && l.includes('"output_tokens"'))!);
    larger.message.usage.output_tokens += 1000;
    appendFileSync(grown[0], first.slice(0, 20).join('\n') + '\n' + JSON.stringify(larger) + '\n');
    appendFileSync(grown[1], '{"type":"user","message":{"role":"user","content":"half a li');
    await fs.copyFile(grown[2], path.join(path.dirname(grown[2]), 'copied-session.jsonl'));
    const again = listed(dir);
    const a2 = ingestPaths(old.db, again.map((f) => f.path), pricer);
    const b2 = await buildHistory(parallel.db, again, pricer, { threads: 2, minParallelBytes: 0, batchBytes: 64 * 1024 });
    assert.ok(a2.lines > 0 && a2.lines < a.lines, 'only what is new is read');
    assert.deepEqual([b2.lines, b2.skipped], [a2.lines, a2.skipped]);
    assert.deepEqual(contents(parallel.db), contents(old.db));
    const now = Date.parse('2026-04-01T00:00:00Z');
    const kept = historyBlocks(parallel.db, now);
    assert.deepEqual(kept, historyBlocks(old.db, now));
    const sums = (h: typeof parallel) => h.db.prepare('SELECT * FROM report_slots ORDER BY slot, model, session, project').all();
    assert.deepEqual(sums(parallel), parallel.db.prepare(`SELECT * FROM (${GROUPED_RESPONSES}) ORDER BY slot, model, session, project`).all(), 'the report sums kept through the build');
    parallel.db.exec('DELETE FROM block_summaries');
    assert.deepEqual(kept, historyBlocks(parallel.db, now), 'what stayed kept through the build is the fold over the rows as they are now');
  } finally {
    old.close();
    parallel.close();
    inline.close();
    oneReader.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
});

/** What a report reads (sinks/reports/report.ts): every response's counted copy, and each project's first directory. */
function reportRows(db: Db): unknown {
  return {
    responses: db.prepare('SELECT key, at, model, input, output, cache_create, cache_5m, cache_1h, cache_read, cost, cache_saved, project, session, agent, sidechain, synthetic, speed FROM responses ORDER BY key').all(),
    projects: db.prepare('SELECT folder, cwd FROM projects ORDER BY folder').all(),
  };
}

test('a usage-only build (a report read from the transcripts) holds the responses and projects of a full one', async () => {
  const dir = await tempDir('cg-build-usage-');
  await generateCorpus({ outDir: dir, targetBytes: 2 * 1024 * 1024, seed: 5, start: new Date('2026-03-01T00:00:00Z'), end: new Date('2026-03-05T00:00:00Z'), junkRate: 0.05 });
  // A project whose directory changes: its first line, without usage, states the directory the
  // full read keeps; a reader of usage lines alone would keep the second. And a transcript outside
  // projects/, where every directory is a project of its own.
  const turn = (cwd: string, n: number, usage: boolean) =>
    JSON.stringify({
      type: usage ? 'assistant' : 'user', cwd, sessionId: 'moved', timestamp: `2026-03-02T00:0${n}:00.000Z`, requestId: `req_moved_${n}`,
      message: usage ? { id: `msg_moved_${n}`, model: 'claude-sonnet-4-5', role: 'assistant', content: [{ type: 'text', text: 'done' }], usage: { input_tokens: 3, output_tokens: 5 } } : { role: 'user', content: 'go' },
    });
  await fs.mkdir(path.join(dir, 'projects', '-home-dev-moved'), { recursive: true });
  await fs.writeFile(path.join(dir, 'projects', '-home-dev-moved', 'moved.jsonl'), [turn('/home/dev/moved', 1, false), turn('/home/dev/moved/sub', 2, true), turn('/home/dev/moved', 3, true)].join('\n') + '\n');
  await fs.writeFile(path.join(dir, 'loose.jsonl'), [turn('/srv/a', 4, false), turn('/srv/b', 5, true), turn('/srv/c', 6, true)].join('\n') + '\n');
  const files = [...listed(dir), { path: path.join(dir, 'loose.jsonl'), size: (await fs.stat(path.join(dir, 'loose.jsonl'))).size }];
  const full = openHistory(path.join(dir, 'full.sqlite'));
  const inline = openHistory(path.join(dir, 'usage-inline.sqlite'));
  const threaded = openHistory(path.join(dir, 'usage-threads.sqlite'));
  try {
    ingestPaths(full.db, files.map((f) => f.path), pricer);
    await buildHistory(inline.db, files, pricer, { usageOnly: true, threads: 0 });
    await buildHistory(threaded.db, files, pricer, { usageOnly: true, threads: 1, minParallelBytes: 0, batchBytes: 64 * 1024 });
    const want = reportRows(full.db) as { responses: unknown[]; projects: { folder: string; cwd: string }[] };
    assert.ok(want.responses.length > 100);
    assert.deepEqual(want.projects.find((p) => p.folder === '-home-dev-moved')?.cwd, '/home/dev/moved');
    assert.ok(want.projects.some((p) => p.folder === '/srv/c'), 'outside projects/, each directory is a project');
    assert.deepEqual(reportRows(inline.db), want);
    assert.deepEqual(reportRows(threaded.db), want);
    for (const h of [inline, threaded]) {
      const kept = h.db.prepare('SELECT (SELECT count(*) FROM texts) + (SELECT count(*) FROM tool_uses) + (SELECT count(*) FROM blocks) + (SELECT count(*) FROM interrupts) n').get() as { n: number };
      assert.equal(kept.n, 0, 'nothing but responses and projects is written');
    }
  } finally {
    full.close();
    inline.close();
    threaded.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
});

/** Lines the readers answer from bytes (build-lines.ts) without decoding all of them, each with something that could go wrong there. */
function awkwardLines(): Buffer[] {
  const big = (unit: string) => unit.repeat(Math.ceil((1024 * 1024) / unit.length));
  const rec = (over: Record<string, unknown>, content: unknown[] | string, n: number) =>
    JSON.stringify({ parentUuid: null, isSidechain: false, cwd: '/home/dev/x', sessionId: 's1', type: 'user', message: { role: 'user', content }, uuid: `u${n}`, timestamp: `2026-03-02T00:00:${String(n % 60).padStart(2, '0')}.000Z`, ...over });
  const result = (id: string, content: unknown, isError = false) => ({ tool_use_id: id, type: 'tool_result', content, is_error: isError });
  const s = (t: string) => Buffer.from(t);
  const withByte = (line: string, at: string, byte: number) => {
    const b = Buffer.from(line);
    b[b.indexOf(at) + at.length] = byte; // overwrites one byte inside the content
    return b;
  };
  const escapes = big('line "quoted" \\ back\\slash\ttab\u0000nul \u00e9 \n');
  const wide = big('caf\u00e9 \u2014 \u{1F389} \u2028 \u4e2d ');
  return [
    s(rec({}, [result('toolu_a1', escapes)], 1)),
    s(rec({ toolUseResult: { stdout: wide, stderr: '' } }, [result('toolu_a2', wide)], 2)),
    s(rec({ toolUseResult: 'Error: ' + wide }, [result('toolu_a3', "The user doesn't want to proceed with this tool use. " + wide, true)], 3)),
    s(rec({}, [result('toolu_a4', [{ type: 'text', text: 'Permission to use Bash with command rm -rf / has been denied. ' + escapes }], true)], 4)),
    s(rec({ toolUseResult: 'User rejected tool use' }, [result('toolu_a5', wide, true)], 5)),
    s(rec({}, [result('toolu_a5b', 'Permission to use Bash with command echo \u2028 has been denied.', true)], 5)), // no denial: `.` stops at U+2028
    s(rec({}, [result('toolu_a5c', 'Permission to use Bash with ' + '\u00e9'.repeat(1500) + ' has been denied.', true)], 5)), // a denial within 2000 characters, not within 2000 bytes
    withByte(rec({}, [result('toolu_a6', big('plain text '))], 6), 'plain text ', 0xff), // not UTF-8: skipped
    withByte(rec({}, [result('toolu_a7', big('plain text '))], 7), 'plain text ', 0x01), // a raw control byte: not JSON
    s(rec({}, [result('toolu_a8', 'x')], 8).replace('"x"', '"bad \\x escape"')),
    s(rec({}, [result('toolu_\u00e9', 'fine')], 9)),
    s(rec({ cwd: '/home/d\u00e9v/proj' }, 'Thanks \u2014 \u00e7a marche \u{1F389}. No, actually: wait', 10)),
    s(rec({}, [{ type: 'text', text: 'Stop \u2014 that is wrong' }, result('toolu_a11', wide)], 11)),
    s(rec({}, [result('toolu_a12', 'ok')], 12).replace('"type":"user"', '"type" :\u00a0"user"')), // a space JSON refuses
    s(rec({}, [result('toolu_a13', 'ok')], 13).replace('"type":"user"', '"t\\u0079pe":"user"')),
    s(rec({}, [result('toolu_a14', 'ok')], 14).replace('"type":"user"', '"type":\t"user"')),
    s(rec({ cwd: '/home/d\u00e9v/other' }, 'x', 15).replace('"type":"user"', '"type":"assistant"')),
    s(JSON.stringify({ type: 'progress', cwd: '/home/dev/\u00e9', data: { message: { type: 'user', message: { role: 'user', content: [result('toolu_a16', wide)] } } } })),
    s(rec({}, [result('toolu_a17', escapes)], 17) + '\r'),
    s('\ufeff' + rec({}, [result('toolu_a18', 'ok')], 18)),
    s('torn "type":"assistant" {'),
    s('  {"type": "user", "message": {"content": "typed \u2014 here"}, "timestamp": "2026-03-02T01:00:00.000Z"}  '),
    s('   '),
    s('{"type":"summary","summary":"caf\u00e9"}'),
    // A usage mark in a user line (a subagent's result): it matters only with a usage in the
    // message, a timestamp parseLine refuses, or another type.
    s(rec({ toolUseResult: { usage: { input_tokens: 1 } } }, [result('toolu_a21', 'done')], 21)),
    s(rec({ toolUseResult: { usage: { input_tokens: 1 } }, timestamp: '2026-03-02 00:00' }, [result('toolu_a22', 'done')], 22)),
    s(rec({ toolUseResult: { usage: { input_tokens: 1 } }, timestamp: 'yesterday' }, 'typed after a subagent', 23)),
    s(rec({ toolUseResult: { usage: { input_tokens: 1 } }, timestamp: '2026-03-02T00:00:24.000\u005a' }, 'typed', 24).replace('\\u005a', '\u005a')),
    s(JSON.stringify({ type: 'user', timestamp: '2026-03-02T00:00:25.000Z', cwd: '/home/dev/y', message: { role: 'user', content: 'with usage', usage: { input_tokens: 1, output_tokens: 2 } } })),
    s(JSON.stringify({ type: 'user', timestamp: '2026-03-02T00:00:26.000Z', message: { role: 'user', content: 'with null usage', usage: null } }) + ',"usage":{'),
    s(JSON.stringify({ type: 'progress', cwd: '/home/dev/z', data: { type: 'user', message: { usage: { input_tokens: 1 } } } })),
    s(JSON.stringify({ type: 'user', timestamp: '2026-03-02T00:00:27.000Z', message: { role: 'user', content: 'bad json after' } }).slice(0, -1) + ',"x":{"usage":{}'),
    // Usage lines ccusage drops (strict-json.ts), or keeps but for their advisor iterations, which
    // only a walk of the text finds (plain ones skip it: plain-line.ts).
    ...[
      '"output_tokens":2',
      '"output_tokens":2,"output_tokens":3',
      '"output_tokens":2.0',
      '"output_tokens":2,"x":1e400',
      '"output_tokens":2,"model":null',
      '"output_tokens":2,"x":"\\ud800"',
      '"output_tokens":2,"x":' + '['.repeat(130) + ']'.repeat(130),
      '"output_tokens":2,"iterations":[{"type":"advisor_message","model":"claude-opus-4-5","input_tokens":1,"output_tokens":1e0}]',
      '"output_tokens":2,"iterations":[{"type":"advisor_message","model":"claude-opus-4-5","input_tokens":1,"output_tokens":4}]',
      '"output_tokens": 2',
    ].map((usage, n) =>
      s(`{"type":"assistant","cwd":"/home/dev/x","sessionId":"s1","timestamp":"2026-03-02T00:01:0${n % 10}.000Z","requestId":"req_${n}","message":{"id":"msg_${n}","model":"claude-sonnet-4-5","role":"assistant","content":[{"type":"text","text":"caf\u00e9 ${'x'.repeat(n * 100)}"}],"usage":{"input_tokens":1,${usage}}}}`),
    ),
    ...cutLines(rec, result, big),
    s(rec({ isMeta: true }, '[Request interrupted by user for tool use]', 19)),
    s(rec({}, '[Request interrupted by user]', 20)),
  ];
}

/**
 * Long user lines the module finds plain (no `\\u` escapes, no raw control bytes), whose long
 * strings build-lines.ts cuts before parsing: each with something a cut could get wrong.
 */
function cutLines(rec: (over: Record<string, unknown>, content: unknown[] | string, n: number) => string, result: (id: string, content: unknown, isError?: boolean) => unknown, big: (unit: string) => string): Buffer[] {
  const tricky = big('say "key":"value" then \\"\\\\" and \\ and "a":"b", \u00e9 \u2028 tab\tnew\n ');
  const endsInBackslashes = 'x'.repeat(600) + '\\\\';
  return [
    rec({ toolUseResult: { stdout: tricky, stderr: '', interrupted: false } }, [result('toolu_c1', tricky)], 30),
    rec({ toolUseResult: 'Error: ' + tricky }, [result('toolu_c2', 'Permission to use Bash with command rm has been denied. ' + tricky, true)], 31),
    rec({ toolUseResult: 'User rejected tool use' }, [result('toolu_c3', tricky, true)], 32),
    rec({}, [result('toolu_c4', [{ type: 'text', text: tricky }, { type: 'image', source: { data: 'A'.repeat(5000) } }])], 33),
    rec({}, 'a long prompt, read whole: ' + tricky, 34),
    rec({}, [{ type: 'text', text: 'a long typed text beside a result ' + 'w'.repeat(5000) }, result('toolu_c5', tricky)], 35),
    rec({ cwd: '/home/dev/' + 'd'.repeat(600) }, [result('toolu_c6', tricky)], 36),
    rec({}, [result('toolu_' + 'i'.repeat(600), tricky)], 37),
    rec({ toolUseResult: { 'odd-key': tricky, usage: { input_tokens: 1 } } }, [result('toolu_c8', endsInBackslashes)], 38),
    rec({ toolUseResult: { usage: { input_tokens: 1 } }, timestamp: 'not a time' }, [result('toolu_c9', tricky)], 39),
    rec({ sessionId: 's'.repeat(700), toolUseResult: { content: tricky } }, [result('toolu_c10', endsInBackslashes)], 40),
    JSON.stringify({ type: 'user', timestamp: '2026-03-02T00:00:41.000Z', cwd: '/home/dev/x', message: { role: 'user', content: [result('toolu_c11', tricky)], usage: { input_tokens: 1, output_tokens: 1 } } }),
    JSON.stringify({ type: 'progress', data: { type: 'user', stdout: tricky, message: { type: 'user', content: [result('toolu_c12', tricky)] } } }),
    rec({ type: 'x'.repeat(600) }, [result('toolu_c13', tricky)], 42).replace('"type":"user"', '"type":"user","kind":"user"'),
  ].map((l) => Buffer.from(l));
}

test('the readers answer awkward lines from their bytes as extractLine does from their text, and build the same history', async () => {
  const lines = awkwardLines();
  const cut = lines.filter((l) => l.length >= 4096 && plainLineBytes(l) && l.subarray(0, 1024).includes('"type":"user"'));
  assert.ok(cut.length >= 12, `${cut.length} long plain user lines, cut before parsing`);
  const joined = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
  let at = 0;
  for (const [i, l] of lines.entries()) {
    const want = extractLine(textLines(l, l.length)[0], 'p');
    assert.deepEqual(extractBytes(joined, at, at + l.length, 'p'), want, `line ${i}`);
    assert.deepEqual(extractBytes(joined, at, at + l.length, 'p', isUtf8(l)), want, `line ${i}, known UTF-8 or not`);
    at += l.length + 1;
  }
  const dir = await tempDir('cg-build-bytes-');
  const folder = path.join(dir, 'projects', '-home-dev-x');
  await fs.mkdir(folder, { recursive: true });
  await fs.writeFile(path.join(folder, 'a.jsonl'), joined);
  await fs.writeFile(path.join(folder, 'b.jsonl'), Buffer.concat([joined.subarray(0, joined.indexOf('\n') + 1), joined])); // a resumed session's copy
  const files = listed(dir);
  const old = openHistory(path.join(dir, 'old.sqlite'));
  const built = openHistory(path.join(dir, 'built.sqlite'));
  try {
    const a = ingestPaths(old.db, files.map((f) => f.path), pricer);
    const b = await buildHistory(built.db, files, pricer, { threads: 2, minParallelBytes: 0, batchBytes: 1 });
    assert.ok(a.skipped >= 5, 'the broken lines are skipped');
    assert.deepEqual([b.lines, b.skipped], [a.lines, a.skipped]);
    assert.deepEqual(old.db.prepare('SELECT denial, count(*) n FROM tool_results WHERE denial IS NOT NULL GROUP BY 1 ORDER BY 1').all(), [{ denial: 'rejected', n: 3 }, { denial: 'rule', n: 3 }], 'denials read from long results');
    const want = contents(old.db);
    assert.deepEqual(contents(built.db), want);
    // A report's read of the same (usage lines alone, the finder's compacted copies after the first chunk).
    for (const threads of [0, 1]) {
      const usage = openHistory(path.join(dir, `usage-${threads}.sqlite`));
      try {
        await buildHistory(usage.db, files, pricer, { usageOnly: true, threads, minParallelBytes: 0, batchBytes: 1 });
        assert.deepEqual(reportRows(usage.db), reportRows(old.db), `usage-only, ${threads} reader threads`);
      } finally {
        usage.close();
      }
    }
  } finally {
    old.close();
    built.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('the module calls a usage line plain exactly when plain-json.ts does, on generated lines and awkward ones', async () => {
  const dir = await tempDir('cg-build-plain-');
  try {
    await generateCorpus({ outDir: dir, targetBytes: 1024 * 1024, seed: 5, start: new Date('2026-03-01T00:00:00Z'), end: new Date('2026-03-03T00:00:00Z'), junkRate: 0.05 });
    const lines = [...awkwardLines(), ...listed(dir).flatMap((f) => splitLines(readFileSync(f.path)))].filter((l) => l.includes('"usage":{') && isUtf8(l));
    const plain = lines.filter((l) => plainLine(l, 0, l.length, 0, 0));
    assert.ok(plain.length > 100 && plain.length < lines.length, 'plain lines and others');
    for (const [i, l] of lines.entries()) assert.equal(plainLineBytes(l), plainLine(l, 0, l.length, 0, 0), `line ${i}`);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

function splitLines(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let start = 0; start < b.length; ) {
    const nl = b.indexOf(0x0a, start);
    const end = nl === -1 ? b.length : nl;
    out.push(b.subarray(start, end));
    start = end + 1;
  }
  return out;
}
