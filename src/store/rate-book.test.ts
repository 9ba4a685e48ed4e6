import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Pricer, type PricedUsage } from './pricing.js';
import { rateBookFile } from './rate-book.js';

const DAY = 86_400_000;
// Models the table dates (Opus 4.6's price changed) and does not, one with long-context tiers
// (Sonnet 4.5), one without (Haiku 4.5), and one it lacks.
const MODELS = ['claude-sonnet-4-5-20250929', 'claude-opus-4-6', 'claude-haiku-4-5-20251001', 'no-such-model-x'];

function usages(): PricedUsage[] {
  const out: PricedUsage[] = [];
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  for (let i = 0; i < 400; i++) {
    // Every third one above the long-context tier (200k of total input), some just above it.
    const long = i % 3 === 0 ? 200_001 + (i % 2 === 0 ? 0 : rnd(600_000)) : 0;
    out.push({ model: MODELS[i % MODELS.length], at: Date.UTC(2026, 0, 1) + rnd(300) * DAY + rnd(DAY), input: rnd(5000), output: rnd(20_000), cache5m: rnd(30_000), cache1h: rnd(10_000), cacheRead: long || rnd(150_000) });
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
  assert.equal(saved.version, 2);
  assert.deepEqual(saved.undated['claude-sonnet-4-5-20250929'].tiers.map((t: { start: number }) => t.start), [200_000], 'the long-context tier is kept');
  assert.deepEqual(saved.undated['claude-haiku-4-5-20251001'].tiers, [], 'a flat price has none');
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
  assert.ok(all.some((u) => u.input + u.cache5m + u.cache1h + u.cacheRead > 200_000), 'requests above the long-context tier among them');
  // A model the book lacks sends for the table.
  const unknown = script.replace('const loaded', `p.cost({ ...${JSON.stringify(all[0])}, model: 'claude-not-in-the-book' }); const loaded`);
  assert.equal(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', unknown], { encoding: 'utf8' })).loaded, true);
});

test('a book of other prices, garbage or a half-valid one is ignored, never fatal', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cg-rates-'));
  const file = rateBookFile(dir);
  const u: PricedUsage = { model: 'claude-sonnet-4-5-20250929', at: Date.UTC(2026, 5, 1), input: 1000, output: 2000, cache5m: 0, cache1h: 0, cacheRead: 5000 };
  const truth = new Pricer().cost(u);
  const rates = { input: 1, output: 1, cache5m: 1, cache1h: 1, cacheRead: 1 }; // absurd: would show if read
  const card = { ...rates, tiers: [] };
  const cases = [
    JSON.stringify({ version: 2, fingerprint: 'someone-else', undated: { [u.model]: card }, dated: {} }),
    JSON.stringify({ version: 1, fingerprint: new Pricer().fingerprint, undated: { [u.model]: rates }, dated: {} }),
    JSON.stringify({ version: 2, fingerprint: new Pricer().fingerprint, undated: { [u.model]: card, other: { ...card, input: -1 } }, dated: {} }),
    JSON.stringify({ version: 2, fingerprint: new Pricer().fingerprint, undated: { [u.model]: rates }, dated: {} }),
    JSON.stringify({ version: 2, fingerprint: new Pricer().fingerprint, undated: { [u.model]: { ...rates, tiers: [{ start: 5, rates }, { start: 5, rates }] } }, dated: {} }),
    '{"version":1,',
    '\u0000\u0001garbage',
  ];
  for (const text of cases) {
    writeFileSync(file, text);
    assert.equal(new Pricer({}, { rateBook: file }).cost(u), truth, text);
  }
  // The same book under the right fingerprint is read (the cases above failed for their own reason).
  writeFileSync(file, JSON.stringify({ version: 2, fingerprint: new Pricer().fingerprint, undated: { [u.model]: card }, dated: {} }));
  assert.equal(new Pricer({}, { rateBook: file }).cost(u), 1000 + 2000 + 5000);
});

test('above and below the long-context tier, the kept rates price as the table itself, to the last bits', async () => {
  const { calcPrice } = createRequire(import.meta.url)('@pydantic/genai-prices') as typeof import('@pydantic/genai-prices');
  const p = new Pricer();
  let above = 0;
  for (const u of usages().filter((x) => x.model !== 'no-such-model-x')) {
    const total = u.input + u.cache5m + u.cache1h + u.cacheRead;
    above += total > 200_000 ? 1 : 0;
    const t = calcPrice(
      { input_tokens: total, cache_read_tokens: u.cacheRead, cache_write_tokens: u.cache5m + u.cache1h, cache_write_1h_tokens: u.cache1h, output_tokens: u.output },
      u.model,
      { providerId: 'anthropic', timestamp: new Date(u.at) },
    )!.total_price;
    const ours = p.cost(u)!;
    assert.ok(Math.abs(ours - t) <= 1e-12 * t, `${u.model} at ${new Date(u.at).toISOString()}, ${total} tokens in: ${ours} against the table's ${t}`);
    // The saving: the same request with its cache reads billed as input, as the table prices that.
    const twin = calcPrice({ input_tokens: total, cache_write_tokens: u.cache5m + u.cache1h, cache_write_1h_tokens: u.cache1h, output_tokens: u.output }, u.model, { providerId: 'anthropic', timestamp: new Date(u.at) })!.total_price;
    assert.ok(Math.abs(p.price(u).saved! - Math.max(0, twin - t)) <= 1e-12 * twin);
  }
  assert.ok(above > 50, `${above} requests above the tier`);
});

test('a rate book that cannot be written is told, and never fails the run', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cg-rates-'));
  // A state "folder" that is a file: no user, root included, can write under it.
  const notADir = path.join(dir, 'state');
  writeFileSync(notADir, 'a file\n');
  const pricer = new Pricer({}, { rateBook: rateBookFile(notADir) });
  const u = usages()[1];
  const cost = pricer.cost(u);
  assert.equal(typeof cost, 'number');
  const told: string[] = [];
  await pricer.saveRates((p) => told.push(p));
  assert.equal(told.length, 1);
  assert.match(told[0], /^prices: cannot keep the rates for the next run \(.*(ENOTDIR|EEXIST)/);
  // Nothing new learned since: nothing to write, nothing to tell.
  await pricer.saveRates((p) => told.push(p));
  assert.equal(told.length, 1);
  assert.equal(pricer.cost(u), cost, 'prices as before');
});
