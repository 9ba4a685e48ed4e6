// Soak, bounded for CI: a real `serve` follows many transcripts that grow continuously (some lines
// written in two halves), rotate (rename + a new file) and get deleted, while clients hammer
// /usage. Memory and open files must stay flat, no byte may be missed (the final figures equal an
// independent count of what was written) and the time from an append to /usage showing it stays low.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { getJson, isolatedEnv, startServe, tempDir, waitFor } from '../helpers/cli.js';
import { assistant } from '../helpers/lines.js';
import { historySummary } from './helpers.js';

const SECONDS = Number(process.env.CG_SOAK_SECONDS ?? 60);
const FILES = 24;
const APPEND_EVERY_MS = 15;
const ROTATE_EVERY_MS = 2000;
const DELETE_AFTER_MS = 5000; // a rotated file is deleted once the daemon has long read it
const CLIENTS = 4;
const WARMUP_MS = 10_000;
const RSS_GROWTH_BOUND = 40 * 1024 * 1024; // bytes the late peak may exceed the early peak by
const FD_GROWTH_BOUND = 16;
const LAG_P99_MS = 2000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function sample(pid: number): Promise<{ rss: number; fds: number }> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) * 1024;
  const fds = (await fs.readdir(`/proc/${pid}/fd`)).length;
  return { rss, fds };
}

test(`soak: ${SECONDS} s of appends, rotation and deletion under /usage load`, { timeout: (SECONDS + 120) * 1000 }, async (t) => {
  if (process.platform !== 'linux') return t.skip('samples /proc');
  const home = await tempDir('soak-home');
  const dir = path.join(home, 'projects', '-soak');
  await fs.mkdir(dir, { recursive: true });
  const s = await startServe(isolatedEnv({ HOME: home, CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: await tempDir('soak-state') }));
  const pid = s.child.pid!;
  const started = Date.now();
  const until = started + SECONDS * 1000;
  let stop = false;

  // Writers: one chain per file, so a half line is always finished before the next line starts.
  const current = Array.from({ length: FILES }, (_, i) => path.join(dir, `session-${i}.jsonl`));
  const chains: Promise<void>[] = current.map(() => Promise.resolve());
  const appends: { at: number; cumulative: number }[] = [];
  let written = 0; // tokens, the independent count
  let lines = 0;
  let rotations = 0;
  let deletions = 0;
  const rotated: { file: string; at: number }[] = [];
  const append = (i: number) => {
    const n = ++lines;
    const tokens = 1 + (n % 97);
    const text = assistant({ id: `soak${n}`, req: `r${n}`, at: Date.now(), input: tokens, session: `s${i}` }) + '\n';
    chains[i] = chains[i].then(async () => {
      const file = current[i];
      if (n % 10 === 0) {
        const cut = Math.floor(text.length / 2);
        await fs.appendFile(file, text.slice(0, cut));
        await sleep(30);
        await fs.appendFile(file, text.slice(cut));
      } else await fs.appendFile(file, text);
      written += tokens;
      appends.push({ at: Date.now(), cumulative: written });
    });
  };
  const writer = (async () => {
    let nextRotate = Date.now() + ROTATE_EVERY_MS;
    while (Date.now() < until) {
      append(Math.floor(Math.random() * FILES));
      if (Date.now() >= nextRotate) {
        nextRotate += ROTATE_EVERY_MS;
        const i = Math.floor(Math.random() * FILES);
        chains[i] = chains[i].then(async () => {
          const to = current[i].replace(/\.jsonl$/, `.r${++rotations}.jsonl`);
          await fs.rename(current[i], to).catch(() => {}); // never written yet: nothing to rotate
          rotated.push({ file: to, at: Date.now() });
        });
      }
      while (rotated.length && Date.now() - rotated[0].at > DELETE_AFTER_MS) {
        await fs.rm(rotated.shift()!.file, { force: true });
        deletions++;
      }
      await sleep(APPEND_EVERY_MS);
    }
    await Promise.all(chains);
  })();

  // Clients: /usage as fast as it answers; each answer also dates how far /usage has caught up.
  const seen: { at: number; tokens: number }[] = [];
  let requests = 0;
  let failures = 0;
  const clients = Array.from({ length: CLIENTS }, async () => {
    while (!stop) {
      try {
        const u = await getJson(`${s.url}/usage`);
        seen.push({ at: Date.now(), tokens: u.window_5h_tokens });
        requests++;
      } catch {
        failures++;
      }
    }
  });
  const samples: { at: number; rss: number; fds: number }[] = [];
  const sampler = (async () => {
    while (!stop) {
      samples.push({ at: Date.now() - started, ...(await sample(pid)) });
      await sleep(1000);
    }
  })();

  try {
    await writer;
    const done = await waitFor(async () => (await getJson(`${s.url}/usage`)).window_5h_tokens === written || undefined, 15_000, 50);
    stop = true;
    await Promise.all([...clients, sampler]);
    const u = await getJson(`${s.url}/usage`);
    assert.equal(u.window_5h_tokens, written, '0 bytes missed: /usage equals the tokens written');
    assert.equal(u.source.skipped_lines, 0, 'no half line taken for a line');
    await waitFor(async () => (await historySummary(s.url)).responses === lines || undefined, 30_000, 200);

    // Lag: each append is shown once an answer's total reaches the total written up to it.
    const lags: number[] = [];
    let j = 0;
    const seenSorted = [...seen].sort((a, b) => a.at - b.at);
    for (const a of appends) {
      while (j < seenSorted.length && (seenSorted[j].at < a.at || seenSorted[j].tokens < a.cumulative)) j++;
      lags.push(j < seenSorted.length ? seenSorted[j].at - a.at : done.ms + (until - a.at));
    }
    const steady = samples.filter((x) => x.at >= WARMUP_MS);
    const third = Math.max(1, Math.floor(steady.length / 3));
    const early = steady.slice(0, third);
    const late = steady.slice(-third);
    const max = (xs: number[]) => Math.max(...xs);
    const figures = {
      seconds: SECONDS, files: FILES, lines, tokens: written, rotations, deletions, requests, failures,
      rss_mb: { min: +(Math.min(...steady.map((x) => x.rss)) / 2 ** 20).toFixed(1), max: +(max(steady.map((x) => x.rss)) / 2 ** 20).toFixed(1), early_peak: +(max(early.map((x) => x.rss)) / 2 ** 20).toFixed(1), late_peak: +(max(late.map((x) => x.rss)) / 2 ** 20).toFixed(1) },
      fds: { min: Math.min(...steady.map((x) => x.fds)), max: max(steady.map((x) => x.fds)) },
      lag_ms: { p50: percentile(lags, 50), p99: percentile(lags, 99), max: max(lags) },
    };
    console.log(`# soak: ${JSON.stringify(figures)}`);
    assert.equal(failures, 0, 'every /usage request answered');
    assert.ok(steady.length >= 3, 'enough samples');
    assert.ok(max(late.map((x) => x.rss)) <= max(early.map((x) => x.rss)) + RSS_GROWTH_BOUND, `memory flat: ${JSON.stringify(figures.rss_mb)}`);
    // A leak raises the floor; a worker or a reading that holds a few files for a moment does not
    // (once seen: one late sample at 62 between 42s, in a full run on a loaded machine).
    const floor = (xs: number[]) => Math.min(...xs);
    assert.ok(floor(late.map((x) => x.fds)) <= max(early.map((x) => x.fds)) + FD_GROWTH_BOUND, `open files flat: ${JSON.stringify(figures.fds)}`);
    assert.ok(figures.lag_ms.p99 < LAG_P99_MS, `ingest lag p99 ${figures.lag_ms.p99} ms`);
  } finally {
    stop = true;
    await s.stop();
  }
});
