import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Pricer, type PricedUsage } from './pricing.js';
import { rateBookFile } from './rate-book.js';

const DAY = 86_400_000;
// Models the table dates (Opus 4.6's price changed) and does not, one it lacks, one above the tier.
const MODELS = ['claude-sonnet-4-5-20250929', 'claude-opus-4-6', 'claude-haiku-4-5-20251001', 'no-such-model-x'];

function usages(): PricedUsage[] {
  const out: PricedUsage[] = [];
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  for (let i = 0; i < 400; i++) {
    out.push({ model: MODELS[i % MODELS.length], at: Date.UTC(2026, 0, 1) + rnd(300) * DAY + rnd(DAY), input: rnd(5000), output: rnd(20_000), cache5m: rnd(30_000), cache1h: rnd(10_000), cacheRead: rnd(150_000) });
  }
  return out;
}

test('a rate book prices exactly as the table, and a second run reads it back', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cg-rates-'));
  const file = rateBookFile(dir);
  const plain = new Pricer();
  const first = new Pricer({}, { rateBook: file });
  const all = usages();
  const expected = all.map((u) => plain.cost(u));
  assert.deepEqual(all.map((u) => first.cost(u)), expected);
  assert.ok(expected.some((c) => c === null), 'the unknown model stays unknown');
  await first.saveRates();
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(saved.version, 1);
  assert.equal(saved.fingerprint, first.fingerprint);
  assert.ok(Object.keys(saved.dated).some((k) => k.startsWith('claude-opus-4-6|')), 'the dated model is kept per day');
  assert.ok('claude-sonnet-4-5-20250929' in saved.undated);
  const second = new Pricer({}, { rateBook: file });
  assert.deepEqual(all.map((u) => second.cost(u)), expected);
});

test('with a full rate book the price table is never loaded', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cg-rates-'));
  const file = rateBookFile(dir);
  const warm = new Pricer({}, { rateBook: file });
  const all = usages().filter((u) => u.model !== 'no-such-model-x');
  for (const u of all) warm.cost(u);
  await warm.saveRates();
  // A process of its own: whether the library was required shows in the CommonJS cache.
  const here = path.dirname(fileURLToPath(import.meta.url));
  const script = `
    const { createRequire } = await import('node:module');
    const { Pricer } = await import(${JSON.stringify(pathToFileURL(path.join(here, 'pricing.js')).href)});
    const p = new Pricer({}, { rateBook: ${JSON.stringify(file)} });
    const costs = ${JSON.stringify(all)}.map((u) => p.cost(u));
    const loaded = Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('genai-prices'));
    console.log(JSON.stringify({ loaded, costs }));`;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
  assert.equal(out.loaded, false);
  const plain = new Pricer();
  assert.deepEqual(out.costs, all.map((u) => plain.cost(u)));
  // And above the long-context tier the table is asked (a request's price is not linear across it).
  const big = script.replace('const loaded', `p.cost({ ...${JSON.stringify(all[0])}, input: 250000 }); const loaded`);
  assert.equal(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', big], { encoding: 'utf8' })).loaded, true);
});

test('a book of other prices, garbage or a half-valid one is ignored, never fatal', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cg-rates-'));
  const file = rateBookFile(dir);
  const u: PricedUsage = { model: 'claude-sonnet-4-5-20250929', at: Date.UTC(2026, 5, 1), input: 1000, output: 2000, cache5m: 0, cache1h: 0, cacheRead: 5000 };
  const truth = new Pricer().cost(u);
  const rates = { input: 1, output: 1, cache5m: 1, cache1h: 1, cacheRead: 1 }; // absurd: would show if read
  const cases = [
    JSON.stringify({ version: 1, fingerprint: 'someone-else', undated: { [u.model]: rates }, dated: {} }),
    JSON.stringify({ version: 2, fingerprint: new Pricer().fingerprint, undated: { [u.model]: rates }, dated: {} }),
    JSON.stringify({ version: 1, fingerprint: new Pricer().fingerprint, undated: { [u.model]: rates, other: { ...rates, input: -1 } }, dated: {} }),
    '{"version":1,',
    '\u0000\u0001garbage',
  ];
  for (const text of cases) {
    writeFileSync(file, text);
    assert.equal(new Pricer({}, { rateBook: file }).cost(u), truth, text);
  }
  // The same book under the right fingerprint is read (the cases above failed for their own reason).
  writeFileSync(file, JSON.stringify({ version: 1, fingerprint: new Pricer().fingerprint, undated: { [u.model]: rates }, dated: {} }));
  assert.equal(new Pricer({}, { rateBook: file }).cost(u), 1000 + 2000 + 5000);
});
