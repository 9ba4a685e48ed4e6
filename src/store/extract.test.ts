// The identities the history keys its rows by: a history written by an earlier claude-gauge must
// find the same keys in the lines it reads again, or a reply's blocks and a prompt would count twice.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { extractLine } from './extract.js';
import { assistant, prompt } from '../../test/helpers/lines.js';

/** The scheme every history so far was written with: sha1 of the parts joined by NUL, base64url, 22 characters. */
const identity = (...parts: string[]) => {
  const h = createHash('sha1');
  parts.forEach((p, i) => (i ? h.update('\0').update(p) : h.update(p)));
  return h.digest('base64url').slice(0, 22);
};

test("a reply's text block and a typed prompt keep the identities earlier histories hold", () => {
  const text = 'Sure: naïve café, 日本語, and an emoji 🚀';
  const reply = extractLine(assistant({ id: 'msg_1', req: 'req_1', at: Date.UTC(2026, 0, 2), output: 5, text }), '-home-p');
  assert.ok(reply && reply.responses.length === 1 && reply.blocks.length === 1);
  assert.equal(reply.blocks[0].hash, identity('c', reply.responses[0].ev.key, text));
  const at = '2026-01-02T03:04:05.678Z';
  const typed = extractLine(prompt(at, 'fix the flaky test ü'), '-home-p');
  assert.ok(typed && typed.texts.length === 1);
  assert.equal(typed.texts[0].hash, identity('p', at, 'fix the flaky test ü'));
});
