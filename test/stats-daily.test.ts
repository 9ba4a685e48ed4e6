// Daily totals of the durable history against ccusage's `daily --json --offline` on the
// fixtures. They agree wherever both count the same responses; where ccusage's daily report
// also counts `progress` lines (mirrors of subagent responses whose own transcript is missing),
// the difference must be exactly those mirrors' usage, computed here independently.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs, existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { discover } from '../src/sources/transcripts/discover.js';
import { parseFilter } from '../src/sinks/stats/filter.js';
import { daily } from '../src/sinks/stats/usage.js';
import { openHistory } from '../src/store/db.js';
import { ingestPaths, transcriptFiles } from '../src/store/ingest.js';
import { ROOT, FIXTURES, tempDir } from './helpers/cli.js';
import { ccusageSkip } from './helpers/ccusage.js';

const CCUSAGE = path.join(ROOT, 'node_modules', '.bin', 'ccusage');

function ccusageDaily(): Promise<Record<string, number>> {
  return new Promise((resolve, reject) =>
    execFile(CCUSAGE, ['daily', '--json', '--offline'], { env: { PATH: process.env.PATH, HOME: '/nonexistent', TZ: 'UTC', CLAUDE_CONFIG_DIR: FIXTURES } }, (err, out) => {
      if (err) return reject(err);
      resolve(Object.fromEntries(JSON.parse(out).daily.map((d: any) => [d.period ?? d.date, d.totalTokens])));
    }),
  );
}

/** Usage of progress mirrors whose response appears in no transcript line of its own, per UTC day. */
async function mirrorOnlyUsage(): Promise<Record<string, number>> {
  const own = new Set<string>();
  const mirrors = new Map<string, { day: string; total: number }>();
  for (const f of discover([FIXTURES]).files) {
    for (const line of (await fs.readFile(f.path, 'utf8')).split('\n')) {
      let r: any;
      try {
        r = JSON.parse(line);
      } catch {
        continue;
      }
      const inner = r?.type === 'progress' ? r.data?.message : null;
      const rec = r?.type === 'assistant' ? r : inner?.type === 'assistant' ? inner : null;
      const u = rec?.message?.usage;
      if (!u) continue;
      const key = `${rec.message.id}:${rec.requestId}`;
      if (rec === r) {
        own.add(key);
        continue;
      }
      const total = (u.input_tokens ?? 0) + (u.output_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);
      const prev = mirrors.get(key);
      if (!prev || total > prev.total) mirrors.set(key, { day: String(rec.timestamp).slice(0, 10), total });
    }
  }
  const out: Record<string, number> = {};
  for (const [key, m] of mirrors) if (!own.has(key)) out[m.day] = (out[m.day] ?? 0) + m.total;
  return out;
}

test('daily totals equal ccusage daily, but for progress mirrors with no transcript of their own', { skip: ccusageSkip || (!existsSync(CCUSAGE) && !process.env.CI ? 'no ccusage' : false) }, async () => {
  const h = openHistory(await tempDir('daily'));
  try {
    ingestPaths(h.db, transcriptFiles([FIXTURES]));
    const f = parseFilter((k) => ({ tz: 'UTC', from: '2020-01-01', to: '2030-01-01' })[k]);
    const ours: Record<string, number> = {};
    for (const r of (daily(h.db, f) as any).rows) ours[r.date] = (ours[r.date] ?? 0) + r.total;
    const theirs = await ccusageDaily();
    const mirrors = await mirrorOnlyUsage();
    assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort());
    let agreeing = 0;
    for (const day of Object.keys(theirs)) {
      assert.equal(theirs[day] - ours[day], mirrors[day] ?? 0, `${day}: the difference is the mirror-only usage`);
      if (theirs[day] === ours[day]) agreeing++;
    }
    assert.ok(agreeing >= 3, 'most days agree exactly');
  } finally {
    h.close();
  }
});
