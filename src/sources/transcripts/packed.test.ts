import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import type { ResponseEvent } from '../../core/events.js';
import { pack, transferables, unpack, type PackedScan } from './packed.js';

const event = (i: number, o: Partial<ResponseEvent> = {}): ResponseEvent => ({
  kind: 'response', key: `msg_${i}:req_${i}`, at: Date.parse('2026-11-23T10:00:00.123Z') + i, model: i % 2 ? 'claude-opus-4-6' : '<synthetic>',
  tokens: { input: i, output: 2 ** 40 + i, cacheCreation: 3 * i, cacheRead: 7 * i }, cacheCreation1h: i % 2 ? i : 0, thinkingReported: i % 3 ? i : null,
  visibleChars: i * 5, session: `s${i % 4}/agent-${i}`, agent: `agent-${i}`, synthetic: i % 2 === 0, sidechain: i % 5 === 0, speed: i % 7 === 0, ...o,
});

/** A packed scan sent over a real message channel, as a worker sends it, and unpacked. */
async function hop(packed: PackedScan) {
  const { port1, port2 } = new MessageChannel();
  const received = new Promise<PackedScan>((resolve) => port2.once('message', resolve));
  port1.postMessage(packed, transferables(packed));
  const got = unpack(await received);
  port1.close();
  port2.close();
  return got;
}

test('responses survive packing into columns and a real thread hop, field for field', async () => {
  const responses = Array.from({ length: 50 }, (_, i) => event(i));
  responses.push(event(99, { thinkingReported: 0, key: 'line:u\n"x":1', session: '', agent: '' }));
  const stats = { records: 60, skipped: 2 };
  const packed = pack({ responses, stats });
  const got = await hop(packed);
  assert.deepEqual(got, { responses, stats });
  assert.equal(packed.numbers.byteLength, 0, 'the numbers moved rather than copied');
});

test("the session report's responses carry their project folders across too", async () => {
  const responses = Array.from({ length: 20 }, (_, i) => event(i, { project: i % 3 ? '-home-me-app' : '-other' }));
  const packed = pack({ responses, stats: { records: 20, skipped: 0 } });
  assert.ok(packed.projects, 'a column of project folders');
  assert.deepEqual((await hop(packed)).responses, responses);
  assert.equal(pack({ responses: [event(1)], stats: { records: 1, skipped: 0 } }).projects, undefined, 'none for a scan that keeps none');
});
