// The shipped daemon answers /usage while a slow stats query runs: the queries have a thread of
// their own in `serve` (src/sinks/stats/runner.ts), so a device polling the gauges never waits for
// someone's /stats page. Over real HTTP, on a history large enough for a query to take a while.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openHistory } from '../src/store/db.js';
import { fixtureCopy, getJson, isolatedEnv, startServe, tempDir, waitFor } from './helpers/cli.js';
import { addResponses } from './helpers/history.js';

test('serve: /usage answers at once while a slow /api query runs', async () => {
  const state = await tempDir('stats-thread');
  // 100k responses beside the fixtures': a day-by-day query over them takes SQLite 0.1-0.2 s.
  const h = openHistory(state);
  addResponses(h.db, 100_000, Date.parse('2025-01-01T00:00:00Z'), 'synthetic-');
  h.close();
  const served = await startServe(isolatedEnv({ HOME: state, CLAUDE_CONFIG_DIR: await fixtureCopy(), CLAUDE_GAUGE_STATE_DIR: state }), ['--mdns', 'off']);
  try {
    await waitFor(async () => (await getJson(`${served.url}/api/ingest`)).ingest?.backfilled === true, 30_000);
    await (await fetch(`${served.url}/api/daily`)).json(); // the query thread started, the file's pages read once
    const trials: { query: number; slowestUsage: number }[] = [];
    for (let i = 1; i <= 3; i++) {
      let querying = true;
      const polls: { at: number; ms: number }[] = [];
      const poll = (async () => {
        while (querying) {
          const at = performance.now();
          await (await fetch(`${served.url}/usage`)).text();
          polls.push({ at, ms: performance.now() - at });
        }
      })();
      await new Promise((r) => setTimeout(r, 20)); // the poll under way before the query
      const t = performance.now();
      // Another range each time (the same rows): a remembered answer (memo.ts) would cost nothing.
      const daily = await (await fetch(`${served.url}/api/daily?from=${i}`)).json();
      const query = performance.now() - t;
      querying = false;
      await poll;
      assert.ok(daily.rows.length > 60, `${daily.rows.length} days`);
      // Every /usage under way while the query ran, however late its answer came.
      const during = polls.filter((p) => p.at < t + query && p.at + p.ms > t);
      assert.ok(during.length >= 1);
      trials.push({ query, slowestUsage: Math.max(...during.map((p) => p.ms)) });
    }
    const query = Math.min(...trials.map((x) => x.query));
    const usage = Math.min(...trials.map((x) => x.slowestUsage));
    assert.ok(query >= 50, `the query took ${query.toFixed(0)} ms: too fast to tell (trials ${JSON.stringify(trials)})`);
    assert.ok(usage < query / 2, `/usage waited ${usage.toFixed(0)} ms during a ${query.toFixed(0)} ms query (trials ${JSON.stringify(trials)})`);
  } finally {
    await served.stop();
  }
});
