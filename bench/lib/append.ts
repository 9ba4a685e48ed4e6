// Append-to-gauge latency: lines appended one at a time to a watched transcript while serve
// runs; how long until /usage shows each one (polled) and until the page's live push carries it.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { percentile, median } from './measure.js';
import { startServe } from './serve.js';

export interface AppendLatency {
  pollMedian: number;
  pollP99: number;
  pushMedian: number;
  pushP99: number;
  n: number;
}

function line(i: number, at: number): string {
  return JSON.stringify({
    parentUuid: null, isSidechain: false, type: 'assistant', sessionId: 'bench-live', timestamp: new Date(at).toISOString(), uuid: `bench-${i}`, requestId: `req_bench_${i}`,
    message: { model: 'claude-opus-4-6', id: `msg_bench_${i}`, type: 'message', role: 'assistant', content: [{ type: 'text', text: 'ok' }], stop_reason: null, usage: { input_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 } },
  });
}

export async function appendLatency(bin: string, env: NodeJS.ProcessEnv, dir: string, count: number): Promise<AppendLatency> {
  const file = path.join(dir, 'projects', '-bench-live', 'live.jsonl');
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, '');
  const { url, stop } = await startServe(bin, env);
  // The live push, read as the page reads it.
  const pushes: { at: number; records: number }[] = [];
  const sse = await fetch(`${url}/events`);
  const reader = sse.body!.getReader();
  let buf = '';
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buf += new TextDecoder().decode(value);
      let i;
      while ((i = buf.indexOf('\n\n')) !== -1) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (block.includes('event: usage') && data) pushes.push({ at: performance.now(), records: JSON.parse(data).source.records });
      }
    }
  })();
  while (!(await (await fetch(`${url}/usage`)).json()).source.backfill.done) await new Promise((r) => setTimeout(r, 20));
  const poll: number[] = [];
  const push: number[] = [];
  let records = (await (await fetch(`${url}/usage`)).json()).source.records;
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await fs.appendFile(file, line(i, Date.now()) + '\n');
    records++;
    for (;;) {
      const u = await (await fetch(`${url}/usage`)).json();
      if (u.source.records >= records) break;
    }
    poll.push(performance.now() - t0);
    const deadline = performance.now() + 2000;
    while (!pushes.some((p) => p.records >= records) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    const p = pushes.find((x) => x.records >= records);
    if (p) push.push(Math.max(0, p.at - t0));
  }
  await reader.cancel().catch(() => {});
  await stop();
  return { pollMedian: median(poll), pollP99: percentile(poll, 99), pushMedian: median(push), pushP99: percentile(push, 99), n: count };
}
