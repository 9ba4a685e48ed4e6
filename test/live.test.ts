// serve over real HTTP on loopback, while lines are appended to a watched transcript.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { assistant, prompt } from './helpers/lines.js';
import { fixtureCopy, getJson, isolatedEnv, startServe, tempDir, waitFor, type Served } from './helpers/cli.js';

let served: Served;
let linked: string;
let home: string;
let file: string;

before(async () => {
  home = await fixtureCopy();
  file = path.join(home, 'projects', '-home-dev-live', 'live-session.jsonl');
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, prompt(Date.now() - 2000, 'hello', 'live') + '\n');
  const state = await tempDir('state');
  const outside = await tempDir('linked-project');
  linked = path.join(outside, 'linked.jsonl');
  await fs.writeFile(linked, '');
  await fs.symlink(outside, path.join(home, 'projects', '-home-dev-linked'), 'dir');
  served = await startServe(isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state, CLAUDE_GAUGE_TACH_REDLINE: '50000' }));
});

after(async () => {
  await served?.stop();
});

test('a fresh transcript folder is served: the old fixtures count as history, not as live rate', async () => {
  const u = await getJson(`${served.url}/usage`);
  assert.equal(u.rate_1m, 0);
  assert.equal(u.source.ok, true);
  assert.ok(u.source.files >= 20);
  assert.equal(u.turn_in_flight, true); // our prompt awaits Claude
});

test('appended lines, split mid-line, reach /usage within a second', async () => {
  const before = await getJson(`${served.url}/usage`);
  const now = Date.now();
  const first = assistant({ id: 'msg_live1', req: 'req_live1', at: now, input: 5, cacheRead: 20_000, output: 10, session: 'live', model: 'claude-haiku-4-5-20251001' });
  const last = assistant({ id: 'msg_live1', req: 'req_live1', at: now + 1, input: 5, cacheRead: 20_000, output: 40_000, session: 'live', model: 'claude-haiku-4-5-20251001' });
  const cut = Math.floor(first.length / 2);
  await fs.appendFile(file, first.slice(0, cut));
  await new Promise((r) => setTimeout(r, 150));
  const mid = await getJson(`${served.url}/usage`);
  assert.equal(mid.rate_1m, 0, 'half a line must not count');
  const start = Date.now();
  await fs.appendFile(file, first.slice(cut) + '\n' + last + '\n');
  const { value: u } = await waitFor(async () => {
    const v = await getJson(`${served.url}/usage`);
    return v.rate_1m === 5 + 20_000 + 40_000 && v;
  }, 1000);
  const ms = Date.now() - start;
  assert.ok(ms <= 1000, `followed in ${ms} ms`);
  assert.equal(u.last_model, 'haiku');
  assert.equal(u.last_model_id, 'claude-haiku-4-5-20251001');
  assert.equal(u.hot, true, 'over the 50k redline');
  assert.equal(u.window_5h_tokens, 60_005);
  assert.equal(u.turn_in_flight, false);
  assert.ok(u.seq > before.seq, 'seq increases when figures change');
});

test('appends in quick succession are each seen promptly', async () => {
  for (let round = 0; round < 5; round++) {
    const before = (await getJson(`${served.url}/usage`)).window_5h_tokens;
    await fs.appendFile(file, assistant({ id: `msg_q${round}a`, req: `req_q${round}a`, at: Date.now(), input: 1, session: 'live' }) + '\n');
    await new Promise((r) => setTimeout(r, 5));
    await fs.appendFile(file, assistant({ id: `msg_q${round}b`, req: `req_q${round}b`, at: Date.now(), input: 2, session: 'live' }) + '\n');
    const { ms } = await waitFor(async () => (await getJson(`${served.url}/usage`)).window_5h_tokens === before + 3, 2000);
    assert.ok(ms < 500, `both appends counted after ${ms} ms`);
  }
});

test('a new session file in a new project folder is picked up too', async () => {
  const dir = path.join(home, 'projects', '-home-dev-newproj');
  await fs.mkdir(dir, { recursive: true });
  const before = (await getJson(`${served.url}/usage`)).window_5h_tokens;
  await fs.writeFile(path.join(dir, 'new.jsonl'), assistant({ id: 'msg_new', req: 'req_new', at: Date.now(), input: 7, session: 'n' }) + '\n');
  await waitFor(async () => (await getJson(`${served.url}/usage`)).window_5h_tokens === before + 7, 3000);
});

test('a symlinked project folder is watched too: appends there reach /usage within a second', async () => {
  // Linked before serve started; the file in it has never grown, so no poll looks at it: only
  // the watcher on the link's target can bring this append in time.
  const before = (await getJson(`${served.url}/usage`)).window_5h_tokens;
  await fs.appendFile(linked, assistant({ id: 'msg_link', req: 'req_link', at: Date.now(), input: 11, session: 'l' }) + '\n');
  const { ms } = await waitFor(async () => (await getJson(`${served.url}/usage`)).window_5h_tokens === before + 11, 3000);
  assert.ok(ms < 1000, `followed in ${ms} ms`);
});

test('garbage appended to a transcript is skipped and counted; good lines after it still count', async () => {
  const before = await getJson(`${served.url}/usage`);
  await fs.appendFile(file, 'this is not json\n{"type":"assistant","message":\n' + assistant({ id: 'msg_after', req: 'req_after', at: Date.now(), input: 3, session: 'live' }) + '\n');
  const { value } = await waitFor(async () => {
    const v = await getJson(`${served.url}/usage`);
    return v.window_5h_tokens === before.window_5h_tokens + 3 && v;
  }, 2000);
  assert.equal(value.source.skipped_lines, before.source.skipped_lines + 2);
});

test('unknown paths answer 404 with a JSON error; the server keeps serving', async () => {
  const res = await fetch(`${served.url}/no/such/thing`);
  assert.equal(res.status, 404);
  assert.equal((await res.json()).error, 'not_found');
  const post = await fetch(`${served.url}/usage`, { method: 'POST', body: 'x'.repeat(100_000) });
  assert.equal(post.status, 405);
  assert.equal((await fetch(`${served.url}/usage`)).status, 200);
});
