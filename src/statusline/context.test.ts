import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONTEXT_WARN as CONTEXT_WARN_PCT } from '../engine/context.js';
import { sessionContext } from './context.js';

const usage = (over: Record<string, unknown> = {}) => ({
  context_window: { context_window_size: 200_000, current_usage: { input_tokens: 1000, output_tokens: 500, cache_creation_input_tokens: 3000, cache_read_input_tokens: 96_000, ...over } },
});

test("Claude Code's context_window: input + cache write + cache read against the window (output is not context yet)", () => {
  assert.deepEqual(sessionContext(usage()), { pct: 0.5, warn: false, over200k: false });
  assert.deepEqual(sessionContext({ ...usage({ cache_read_input_tokens: 156_000 }), exceeds_200k_tokens: false }), { pct: 0.8, warn: true, over200k: false });
  assert.equal(CONTEXT_WARN_PCT, 0.8);
  assert.equal(sessionContext(usage({ cache_creation_input_tokens: undefined }))?.pct, 0.485, 'a missing count is 0');
  assert.equal(sessionContext(usage({ input_tokens: '1000' }))?.pct, 0.5, 'digits as a string, as Claude Code sometimes sends figures');
  assert.equal(sessionContext(usage({ cache_read_input_tokens: 900_000 }))?.pct, 1, 'over the window: full, not 452 %');
});

test('its own used_percentage wins when valid', () => {
  assert.equal(sessionContext({ context_window: { ...usage().context_window, used_percentage: 42 } })?.pct, 0.42);
  assert.equal(sessionContext({ context_window: { ...usage().context_window, used_percentage: 420 } })?.pct, 0.5, 'out of range: computed instead');
  assert.equal(sessionContext({ context_window: { ...usage().context_window, used_percentage: '42' } })?.pct, 0.5);
});

test('before the first request there is no figure, and no fallback to another session', () => {
  assert.deepEqual(sessionContext({ context_window: { context_window_size: 200_000, current_usage: null } }), { pct: null, warn: false, over200k: false });
  assert.deepEqual(sessionContext({ context_window: { context_window_size: 200_000 } }), { pct: null, warn: false, over200k: false });
});

test('hostile stdin: anything out of range or of the wrong type is not shown (null: the daemon figure)', () => {
  const hostile: unknown[] = [
    null, undefined, 42, 'context', [], [usage()],
    { context_window: null }, { context_window: [] }, { context_window: 'full' }, { context_window: 1e9 },
    { context_window: { context_window_size: 0, current_usage: { input_tokens: 1 } } },
    { context_window: { context_window_size: -200_000, current_usage: { input_tokens: 1 } } },
    { context_window: { context_window_size: 1e300, current_usage: { input_tokens: 1 } } },
    { context_window: { context_window_size: 'NaN', current_usage: { input_tokens: 1 } } },
    { context_window: { context_window_size: 200_000.5, current_usage: { input_tokens: 1 } } },
    { context_window: { context_window_size: 200_000, current_usage: 'lots' } },
    { context_window: { context_window_size: 200_000, current_usage: [1, 2, 3] } },
    usage({ input_tokens: -1 }), usage({ input_tokens: 1.5 }), usage({ input_tokens: 1e12 }), usage({ input_tokens: 'NaN' }),
    usage({ cache_read_input_tokens: Infinity }), usage({ cache_read_input_tokens: '1e5' }), usage({ cache_read_input_tokens: { valueOf: 5 } }),
    usage({ cache_read_input_tokens: '9'.repeat(400) }), usage({ cache_read_input_tokens: true }),
    { exceeds_200k_tokens: 'yes' }, { exceeds_200k_tokens: 1 }, { exceeds_200k_tokens: false },
    JSON.parse('{"__proto__": {"context_window": {"context_window_size": 10, "current_usage": {"input_tokens": 5}}}}'),
  ];
  for (const input of hostile) assert.equal(sessionContext(input), null, JSON.stringify(input));
});

test('exceeds_200k_tokens alone (older versions) flags the context, and marks a usable figure', () => {
  assert.deepEqual(sessionContext({ exceeds_200k_tokens: true }), { pct: null, warn: true, over200k: true });
  assert.deepEqual(sessionContext({ ...usage(), exceeds_200k_tokens: true }), { pct: 0.5, warn: false, over200k: true });
  assert.deepEqual(sessionContext({ context_window: 'junk', exceeds_200k_tokens: true }), { pct: null, warn: true, over200k: true });
});
