import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { test } from 'node:test';
import { errorCode, errorText } from './errno.js';

test('a system error gives its code; anything else its message, or itself as text', async () => {
  const enoent = await fs.readFile('/nonexistent/claude-gauge').catch((e: unknown) => e);
  assert.equal(errorCode(enoent), 'ENOENT');
  assert.equal(errorText(enoent), 'ENOENT');
  assert.equal(errorCode(new Error('boom')), undefined);
  assert.equal(errorText(new Error('boom')), 'boom');
  assert.equal(errorText('a string'), 'a string');
  assert.equal(errorCode(null), undefined);
  assert.equal(errorCode({ code: 7 }), undefined, 'a numeric code (an exit status) is not an errno code');
});
