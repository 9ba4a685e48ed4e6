// Exact turn state from Claude Code's hooks, through the engine with an injected clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ResponseEvent } from '../core/events.js';
import { turnEvent, type HookEvent } from '../sources/hooks/record.js';
import { Engine, type EngineSettings } from './engine.js';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const S = 1000;
const MIN = 60 * S;

const settings = (o: Partial<EngineSettings> = {}): EngineSettings => ({
  ceiling: 1_000_000, defaultCeiling: 1, redline: 10_000, stallMinutes: 2, abandonMinutes: 30, cacheFloor: 0, keepAllTicks: false, ...o,
});

const hook = (event: HookEvent, at: number, session = 's') => turnEvent({ v: 1, event, session, at });

function resp(key: string, at: number, session = 's'): ResponseEvent {
  return {
    kind: 'response', key, at, model: 'claude-sonnet-4-5', session,
    tokens: { input: 1, output: 1, cacheCreation: 0, cacheRead: 0 },
    thinkingReported: null, visibleChars: 0, synthetic: false, sidechain: false, speed: false,
  };
}

test('a prompt with no Stop and no activity stalls after the stall time; Stop clears it', () => {
  const e = new Engine(settings());
  e.apply(hook('UserPromptSubmit', T0));
  let s = e.snapshot(T0 + MIN);
  assert.equal(s.turn_source, 'hooks');
  assert.equal(s.turn_in_flight, true);
  assert.equal(s.stall, false);
  assert.equal(s.idle, false);
  s = e.snapshot(T0 + 2 * MIN);
  assert.equal(s.stall, true);
  assert.equal(s.stall_reason, 'turn-silent');
  e.apply(hook('Stop', T0 + 2 * MIN + S));
  s = e.snapshot(T0 + 2 * MIN + 2 * S);
  assert.equal(s.stall, false);
  assert.equal(s.turn_in_flight, false);
});

test('IDLE is exact: off for the whole turn (even a silent tool run), on right after Stop', () => {
  const e = new Engine(settings({ stallMinutes: 5 }));
  e.apply(hook('UserPromptSubmit', T0));
  e.apply(resp('a', T0 + S));
  e.apply(hook('PreToolUse', T0 + 2 * S));
  // A ten-minute build: nothing written, but a turn is open and a tool (not Claude) is working.
  let s = e.snapshot(T0 + 10 * MIN);
  assert.equal(s.idle, false);
  assert.equal(s.stall, false);
  assert.equal(s.turn_in_flight, false);
  e.apply(hook('PostToolUse', T0 + 10 * MIN));
  assert.equal(e.snapshot(T0 + 10 * MIN + S).turn_in_flight, true);
  e.apply(resp('b', T0 + 10 * MIN + 2 * S));
  e.apply(hook('Stop', T0 + 10 * MIN + 3 * S));
  // Inferred IDLE would wait a quiet minute after the last record; the hook says the turn ended.
  s = e.snapshot(T0 + 10 * MIN + 4 * S);
  assert.equal(s.idle, true);
  assert.equal(s.stall, false);
});

test('transcript records of a hooked session are activity: they reset the silence, not the state', () => {
  const e = new Engine(settings());
  e.apply(hook('UserPromptSubmit', T0));
  e.apply(resp('a', T0 + 90 * S)); // Claude streaming
  assert.equal(e.snapshot(T0 + 2 * MIN + 30 * S).stall, false); // silent only 60 s
  assert.equal(e.snapshot(T0 + 3 * MIN + 30 * S).stall, true);
  // A transcript prompt of that session (seen after its hooks) does not reopen a stopped turn.
  e.apply(hook('Stop', T0 + 4 * MIN));
  e.apply({ kind: 'turn', at: T0 + 4 * MIN + S, session: 's', awaiting: true });
  assert.equal(e.snapshot(T0 + 10 * MIN).stall, false);
});

test('the hook wins over what the transcripts inferred for the same session', () => {
  const e = new Engine(settings());
  // The transcript's prompt line arrives first, then the session's hooks: the turn ended.
  e.apply({ kind: 'turn', at: T0, session: 's', awaiting: true });
  e.apply(hook('UserPromptSubmit', T0));
  e.apply(hook('Stop', T0 + 5 * S));
  const s = e.snapshot(T0 + 10 * MIN);
  assert.equal(s.stall, false);
  assert.equal(s.turn_in_flight, false);
  assert.equal(s.turn_source, 'hooks');
});

test('a question to the user (Notification) is not a stall; the answer resumes the turn', () => {
  const e = new Engine(settings());
  e.apply(hook('UserPromptSubmit', T0));
  e.apply(hook('PreToolUse', T0 + S));
  e.apply(hook('Notification', T0 + 2 * S));
  let s = e.snapshot(T0 + 10 * MIN);
  assert.equal(s.stall, false);
  assert.equal(s.idle, false); // the turn is still open
  e.apply(hook('PostToolUse', T0 + 10 * MIN));
  s = e.snapshot(T0 + 13 * MIN);
  assert.equal(s.stall, true);
});

test('sessions without hooks keep the inferred state; both count', () => {
  const e = new Engine(settings());
  e.apply(hook('UserPromptSubmit', T0, 'hooked'));
  e.apply(hook('Stop', T0 + S, 'hooked'));
  e.apply({ kind: 'turn', at: T0 + 2 * S, session: 'plain', awaiting: true });
  const s = e.snapshot(T0 + 3 * MIN);
  assert.equal(s.stall, true); // the plain session's prompt went unanswered
  assert.equal(s.turn_source, 'hooks');
});

test('out-of-order hook records: the later one holds the state', () => {
  const e = new Engine(settings());
  e.apply(hook('Stop', T0 + 10 * S));
  e.apply(hook('UserPromptSubmit', T0));
  assert.equal(e.snapshot(T0 + 5 * MIN).stall, false);
});

test('a turn silent past the abandon time is dropped; without hooks the source reads transcripts', () => {
  const e = new Engine(settings({ abandonMinutes: 10 }));
  e.apply(hook('UserPromptSubmit', T0));
  assert.equal(e.snapshot(T0 + 5 * MIN).stall, true);
  e.trim(T0 + 11 * MIN);
  const s = e.snapshot(T0 + 11 * MIN);
  assert.equal(s.stall, false);
  assert.equal(s.idle, true);
  assert.equal(s.turn_source, 'transcripts');
  assert.equal(new Engine(settings()).snapshot(T0).turn_source, 'transcripts');
});

test('WARN keeps its meaning with hooks: a low cache hit rate warns while anything was written in the last minute', () => {
  const e = new Engine(settings({ cacheFloor: 0.5 }));
  e.apply(hook('UserPromptSubmit', T0));
  e.apply({ ...resp('a', T0 + S), tokens: { input: 100, output: 1, cacheCreation: 900, cacheRead: 0 } });
  e.apply(hook('Stop', T0 + 2 * S));
  assert.equal(e.snapshot(T0 + 10 * S).warn, true); // written 9 s ago, cache hit 0
  assert.equal(e.snapshot(T0 + 2 * MIN).warn, false);
});
