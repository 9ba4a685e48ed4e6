// Generated hostile records for every input the daemon reads, from a seed: timestamps across and
// beyond the range a Date can hold, token counts across the double range (written into the JSON
// text as is, so 1e400 arrives as Infinity), wrong types, missing and extra fields, over-long
// strings, junk bytes. Each generator also says what a correct reader may do with its record, so
// a test can hold the daemon to an exact figure: a record that could land in the current 5-hour
// window always carries a count no sane reader accepts.
import { Prng } from '../../src/generate/prng.js';

const HOUR = 3_600_000;

/** A value written into the JSON text verbatim: numbers JSON.stringify cannot write (1e400, -0, 30 digits). */
export class Raw {
  constructor(readonly text: string) {}
}

/** JSON text of `v`, with Raw values as written; keys such as __proto__ are kept as plain keys. */
export function toJson(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const parts: string[] = [];
    for (const [k, x] of Object.entries(v)) if (x !== undefined) parts.push(`${JSON.stringify(k)}:${toJson(x)}`);
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** Strings that no part of a status line may show: a number gone wrong on its way to the screen. */
export const BROKEN_OUTPUT = /NaN|Infinity|undefined|\[object /;

/** Plain text for names: never contains BROKEN_OUTPUT's words or a line break, so they can be checked for. */
function plain(rng: Prng, n: number): string {
  let s = '';
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789 -_.:/é漢😀';
  const chars = [...alphabet];
  for (let i = 0; i < n; i++) s += rng.pick(chars);
  return s;
}

export interface Classified<T> {
  value: T;
  /** Could a reader take this for an instant within a day of now (where it could move the current window)? */
  recent: boolean;
}

export interface TokenValue {
  value: unknown;
  /** No sane reader takes it for a count: negative, fractional, not finite, past 2^53, or not a number at all. */
  invalid: boolean;
}

export class Hostile {
  private readonly rng: Prng;

  /** `now`: the clock the records are measured against (epoch ms). */
  constructor(seed: number, readonly now: number) {
    this.rng = new Prng(seed);
  }

  get prng(): Prng {
    return this.rng;
  }

  // --- values ----------------------------------------------------------------------------

  /** An ISO 8601 string, a number, or anything else where a timestamp belongs. */
  timestamp(): Classified<unknown> {
    const r = this.rng;
    const iso = (ms: number) => new Date(ms).toISOString();
    const value = r.weighted<() => unknown>([
      // The edges of the Date range and just beyond: legal strings, some of them Invalid Date.
      [() => r.pick(['+275760-09-13T00:00:00.000Z', '+275760-09-13T00:00:00.001Z', '-271821-04-20T00:00:00.000Z', '-271821-04-19T23:59:59.999Z', '+100000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '0000-01-01T00:00:00.000Z']), 4],
      // Legal instants far from now: 1970, the turn of the millennium, 2099, 2100, tomorrow, next year.
      [() => r.pick(['1970-01-01T00:00:00.000Z', '1999-12-31T23:59:59.999Z', '2000-01-01T00:00:00.000Z', '2099-12-31T23:59:59.999Z', '2100-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']), 3],
      [() => iso(this.now + r.range(6 * HOUR, 400 * 24 * HOUR)), 2],
      [() => iso(this.now - r.range(24 * HOUR, 3000 * 24 * HOUR)), 2],
      // Recent: where a bad count would do the most harm.
      [() => iso(this.now - r.range(0, 4 * HOUR)), 6],
      // Numbers instead of strings, in ms, in s, and across the double range.
      [() => r.pick<unknown>([0, -1, 1e300, -1e300, 8.64e15, 8.64e15 + 1, this.now, Math.floor(this.now / 1000), 2 ** 53, 0.5, new Raw('1e400'), new Raw('-1e400'), new Raw('-0')]), 3],
      // Strings that are no instant, or only almost one.
      [() => r.pick(['', 'yesterday', 'NaN', 'Infinity', '2026-13-45T99:99:99Z', '2026-02-30T00:00:00Z', 'T', '\u0000', '2026', '12/05/2026 08:00', '  2026-01-01T00:00:00Z  ', iso(this.now).replace('Z', '+25:00')]), 3],
      [() => '9'.repeat(r.int(20, 5000)), 1],
      [() => r.pick<unknown>([null, true, false, {}, [], [iso(this.now)], { $date: iso(this.now) }]), 2],
    ])();
    return { value, recent: couldBeRecent(value, this.now) };
  }

  /** A token count, or what a broken writer puts in its place. */
  tokens(): TokenValue {
    const r = this.rng;
    const pick = r.weighted<() => unknown>([
      [() => r.int(0, 5000), 5],
      [() => r.pick<unknown>([0, 1, 999_999_999, 1_000_000_000, 2 ** 31, 2 ** 32, 1e9 + 1, 1e12, 2 ** 53 - 1]), 3],
      [() => r.pick<unknown>([-1, -1e9, 2.5, 0.1, 1e308, -1e308, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53, 2 ** 53 + 2, 1e21, new Raw('1e400'), new Raw('-1e400'), new Raw('123456789012345678901234567890'), new Raw('1E+308'), new Raw('-0.0')]), 5],
      [() => r.pick<unknown>(['12', '1e3', 'NaN', 'Infinity', '-1', '', ' 5 ', true, false, {}, [], [7], { value: 3 }]), 3],
      [() => r.pick<unknown>([null, undefined]), 1],
    ]);
    const value = pick();
    return { value, invalid: surelyInvalidCount(value) };
  }

  /** A count no sane reader accepts, whatever its policy on strings and bounds. */
  invalidTokens(): unknown {
    return this.rng.pick<unknown>([-1, 2.5, 1e308, 2 ** 53, new Raw('1e400'), new Raw('-1e400'), new Raw('123456789012345678901234567890'), true, {}, [], -0.5]);
  }

  /** A string where an id or name belongs, or something else; sometimes far over any sane length. */
  name(prefix: string): unknown {
    const r = this.rng;
    return r.weighted<() => unknown>([
      [() => `${prefix}${r.base62(10)}`, 16],
      [() => `${prefix}${'n'.repeat(r.int(1025, 3000))}`, 1],
      [() => r.pick<unknown>(['', 0, -1, 1e308, null, true, {}, [], ['x'], new Raw('1e400')]), 2],
      [() => `${prefix}\u0000\ud800${r.base62(3)}`, 1],
    ])();
  }

  /** Keys that do not belong, some of them dangerous in JavaScript objects. */
  extras(): Record<string, unknown> {
    const r = this.rng;
    const out: Record<string, unknown> = {};
    const n = r.int(0, 3);
    for (let i = 0; i < n; i++) {
      const k = r.pick(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', `x_${r.base62(4)}`, '', '\u0000']);
      out[k] = r.pick<unknown>([null, 1, 'x', { polluted: true }, [], new Raw('1e400')]);
    }
    return out;
  }

  // --- transcripts -----------------------------------------------------------------------

  /**
   * One line for a transcript file (without its newline): mostly a Claude Code record with hostile
   * fields, sometimes junk bytes. None can add tokens to the current 5-hour window: a record
   * dated where it could carries a count no sane reader accepts.
   */
  transcriptLine(): Buffer {
    const r = this.rng;
    const kind = r.weighted<string>([['assistant', 12], ['user', 3], ['progress', 1], ['junk', 2], ['json', 1]]);
    if (kind === 'junk') return this.junkLine();
    if (kind === 'json') return Buffer.from(toJson(r.pick<unknown>([null, 1, 'x', [], [1, 2], true, new Raw('1e400'), { type: 'assistant' }, { type: 'assistant', message: null }, { type: 'assistant', message: { usage: 'lots' } }])));
    if (kind === 'user') return Buffer.from(toJson(this.userRecord()));
    const rec = this.assistantRecord();
    if (kind === 'progress') return Buffer.from(toJson({ type: 'progress', sessionId: 'hostile', timestamp: this.timestamp().value, data: { type: 'agent_progress', message: rec } }));
    return Buffer.from(toJson(rec));
  }

  private assistantRecord(): Record<string, unknown> {
    const r = this.rng;
    const at = this.timestamp();
    const counts = { input_tokens: this.tokens(), output_tokens: this.tokens(), cache_creation_input_tokens: this.tokens(), cache_read_input_tokens: this.tokens() };
    // input and output are read whatever else the usage holds (cache_creation can override the cache-write figure).
    if (at.recent && !counts.input_tokens.invalid && !counts.output_tokens.invalid) {
      counts[r.chance(0.5) ? 'input_tokens' : 'output_tokens'] = { value: this.invalidTokens(), invalid: true };
    }
    const usage: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(counts)) if (!(v.value === undefined && r.chance(0.5))) usage[k] = v.value;
    if (r.chance(0.2)) usage.cache_creation = r.chance(0.8) ? { ephemeral_5m_input_tokens: this.tokens().value, ephemeral_1h_input_tokens: this.tokens().value } : r.pick<unknown>([null, 'x', [], 5]);
    if (r.chance(0.2)) usage.output_tokens_details = { thinking_tokens: this.tokens().value };
    if (r.chance(0.1)) usage.speed = r.pick<unknown>(['fast', 'standard', '', 1, null, {}]);
    if (r.chance(0.1)) usage.iterations = r.chance(0.8) ? [{ type: 'advisor_message', model: this.name('claude-'), input_tokens: this.tokens().value, output_tokens: this.tokens().value }] : r.pick<unknown>(['x', {}, [null], [1]]);
    const message: Record<string, unknown> = {
      model: r.chance(0.7) ? r.pick(['claude-opus-4-6', 'claude-sonnet-4-5', 'claude-haiku-4-5', '<synthetic>', 'gpt-4', '']) : this.name('claude-'),
      id: this.name('msg_h'),
      type: 'message',
      role: 'assistant',
      content: this.content(),
      stop_reason: r.pick<unknown>([null, 'end_turn', 'tool_use', 5, {}]),
      usage: r.chance(0.95) ? usage : r.pick<unknown>([null, 'usage', [], 0, [usage]]),
    };
    const rec: Record<string, unknown> = {
      parentUuid: null,
      isSidechain: r.pick<unknown>([false, false, true, 'yes', 1, null]),
      userType: 'external',
      cwd: r.chance(0.9) ? '/home/dev/hostile' : this.name('/'),
      sessionId: r.chance(0.8) ? 'hostile' : this.name('s'),
      version: '2.1.0',
      message: r.chance(0.97) ? message : r.pick<unknown>([null, 'x', [], 1]),
      requestId: this.name('req_h'),
      type: r.chance(0.97) ? 'assistant' : r.pick<unknown>(['Assistant', 1, null, ['assistant']]),
      uuid: r.chance(0.9) ? `u-${r.hex(12)}` : this.name('u'),
      timestamp: at.value,
      ...this.extras(),
    };
    if (r.chance(0.05)) rec.agentId = this.name('a');
    if (r.chance(0.1)) delete rec[r.pick(['message', 'timestamp', 'requestId', 'sessionId', 'type', 'uuid'])];
    return rec;
  }

  private userRecord(): Record<string, unknown> {
    const r = this.rng;
    return {
      parentUuid: null,
      sessionId: r.chance(0.8) ? 'hostile' : this.name('s'),
      type: 'user',
      message: { role: 'user', content: r.chance(0.6) ? plain(r, r.int(0, 40)) : this.content() },
      isMeta: r.pick<unknown>([undefined, true, false, 'yes', 1]),
      uuid: `u-${r.hex(12)}`,
      timestamp: this.timestamp().value,
      ...this.extras(),
    };
  }

  private content(): unknown {
    const r = this.rng;
    return r.weighted<() => unknown>([
      [() => [{ type: 'text', text: plain(r, r.int(0, 200)) }], 6],
      [() => [{ type: 'thinking', thinking: '', signature: r.base62(8) }, { type: 'tool_use', id: `toolu_${r.base62(6)}`, name: 'Bash', input: { command: plain(r, 20) } }], 3],
      [() => [{ type: 'tool_result', tool_use_id: this.name('toolu_'), content: r.pick<unknown>(['ok', null, 5, [{ type: 'text', text: 'x' }]]) }], 2],
      [() => r.pick<unknown>([null, 'text', 5, {}, [null], [5], [{ type: 'text', text: 5 }], [{ type: 'text' }], [{ type: 1e400 }]]), 2],
      [() => nested(r.int(50, 3000)), 1],
      [() => [{ type: 'text', text: 'long text '.repeat(r.int(200, 2000)) }], 1],
    ])();
  }

  /** Bytes that are no record: torn JSON, invalid UTF-8, NULs, a byte-order mark, long runs. */
  junkLine(): Buffer {
    const r = this.rng;
    return r.weighted<() => Buffer>([
      [() => Buffer.from(toJson(this.assistantRecord()).slice(0, r.int(1, 200))), 3],
      [() => Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x82, 0xf0, 0x90, 0x28, 0xbc]), 1],
      [() => Buffer.concat([Buffer.from('{"type":"assistant","timestamp":"'), Buffer.from([0xff, 0xc0, 0x80]), Buffer.from('","message":{"usage":{"input_tokens":5}}}')]), 1],
      [() => Buffer.from('\u0000'.repeat(r.int(1, 100))), 1],
      [() => Buffer.from(`\ufeff${toJson({ type: 'assistant', timestamp: new Date(this.now).toISOString(), message: { id: 'bom', usage: { input_tokens: -5 } } })}`), 1],
      [() => Buffer.from(r.pick(['{', '}', '[[[[', '"usage":{', 'null', '{"type":"assistant"', '\r', '  '])), 2],
      [() => Buffer.from('x'.repeat(r.int(5000, 50_000))), 1],
    ])();
  }

  // --- statusline --------------------------------------------------------------------------

  /** What Claude Code could pipe to `claude-gauge statusline`, hostile: text for stdin. */
  statuslineInput(): Buffer {
    const r = this.rng;
    if (r.chance(0.08)) {
      return r.weighted<() => Buffer>([
        [() => Buffer.from(r.pick(['', 'null', '[]', '42', '"x"', '{', '{"rate_limits":', 'not json at all', '\u0000'])), 4],
        [() => Buffer.from('['.repeat(r.int(1000, 20_000))), 1],
        [() => Buffer.from([0xff, 0xfe, 0x7b, 0x7d]), 1],
        [() => Buffer.from(toJson({ rate_limits: { five_hour: { used_percentage: 1, resets_at: 1 } }, pad: 'p'.repeat(r.int(10_000, 100_000)) })), 1],
      ])();
    }
    const input: Record<string, unknown> = {
      session_id: this.name('s'),
      model: r.chance(0.9) ? { id: this.name('claude-'), display_name: r.chance(0.9) ? plain(r, r.int(0, 30)) : r.pick<unknown>([null, 5, {}, [], plain(r, 5000)]) } : r.pick<unknown>([null, 'opus', 5]),
      workspace: { current_dir: '/home/dev/x' },
      rate_limits: r.chance(0.9) ? { five_hour: this.rateWindow(), seven_day: this.rateWindow(), ...this.extras() } : r.pick<unknown>([null, 'x', [], 5, [this.rateWindow()]]),
      ...(r.chance(0.7) ? { context_window: this.contextWindow() } : {}),
      ...(r.chance(0.3) ? { exceeds_200k_tokens: r.pick<unknown>([true, false, 'true', 1, null]) } : {}),
      ...this.extras(),
    };
    return Buffer.from(toJson(input));
  }

  /** This session's context window as recent Claude Code versions report it, hostile. */
  contextWindow(): unknown {
    const r = this.rng;
    if (r.chance(0.1)) return r.pick<unknown>([null, 'x', 5, [], true, {}]);
    const count = () => r.weighted<() => unknown>([
      [() => r.int(0, 300_000), 6],
      [() => r.pick<unknown>([-1, 1.5, 1e300, new Raw('1e400'), 2 ** 53, '12000', 'NaN', '', null, {}, []]), 2],
    ])();
    const usage = r.chance(0.1) ? r.pick<unknown>([null, 'x', [], 5]) : { input_tokens: count(), output_tokens: count(), cache_creation_input_tokens: count(), cache_read_input_tokens: count(), ...this.extras() };
    const size = r.weighted<() => unknown>([[() => r.pick([200_000, 1_000_000]), 6], [() => r.pick<unknown>([0, -200_000, 1e300, '200000', null, 'big', 0.5]), 2]])();
    return { context_window_size: size, current_usage: usage, ...(r.chance(0.3) ? { used_percentage: r.pick<unknown>([42, 0, 100, 101, -1, '42', NaN, null]) } : {}), ...this.extras() };
  }

  /** One rate-limit window as Claude Code reports it (percent 0-100, reset in epoch seconds), hostile. */
  rateWindow(): unknown {
    const r = this.rng;
    if (r.chance(0.1)) return r.pick<unknown>([null, undefined, 'x', 5, [], true]);
    const s = Math.floor(this.now / 1000);
    const pct = r.weighted<() => unknown>([
      [() => r.int(0, 100), 4],
      [() => r.pick<unknown>([0, 100, 100.5, 101, 1000, 1001, -1, -0.001, 1e300, -1e300, 2 ** 53, new Raw('1e400'), new Raw('-1e400'), new Raw('-0'), Number.MIN_VALUE]), 4],
      [() => r.pick<unknown>(['42', '1e400', 'NaN', '', ' ', '0x10', null, true, {}, []]), 2],
    ])();
    const resets = r.weighted<() => unknown>([
      [() => s + r.int(60, 5 * 3600), 4],
      [() => r.pick<unknown>([1e300, -1e300, new Raw('1e400'), -1, 0, 0.5, s - 10, (s + 3600) * 1000, 8.64e12, 8.64e12 + 1, 8.64e15, 8.64e15 + 1, 2 ** 53, 1e12, 1e12 + 1, 4102444800, 4102444801, 253402300800]), 5],
      [() => r.pick<unknown>([String(s + 3600), 'soon', '', 'NaN', '1e400', null, {}, [], true, new Date(this.now + HOUR).toISOString()]), 2],
    ])();
    const w: Record<string, unknown> = { used_percentage: pct, resets_at: resets };
    if (r.chance(0.05)) delete w[r.pick(['used_percentage', 'resets_at'])];
    return { ...w, ...this.extras() };
  }

  /** A statusline hand-off file as a damaged, older or newer writer could leave it. */
  handoffDocument(): Buffer {
    const r = this.rng;
    const seen = r.weighted<() => unknown>([
      [() => this.now, 3],
      [() => r.pick<unknown>([1e300, -1, 0, 8.64e15 + 1, 2 ** 53, new Raw('1e400'), this.now + 400 * 24 * HOUR, 'now', null, Date.UTC(1970, 0, 1)]), 5],
    ])();
    const doc = { version: r.pick<unknown>([1, 1, 1, 2, 0, '1', null, new Raw('1e400')]), seen_at: seen, rate_limits: { five_hour: this.rateWindow(), seven_day: this.rateWindow() }, ...this.extras() };
    return Buffer.from(toJson(doc) + '\n');
  }

  // --- hooks -------------------------------------------------------------------------------

  /** What Claude Code could pipe to `claude-gauge hook`, hostile: stdin text, and the event argument. */
  hookInput(): { stdin: Buffer; arg: string | undefined } {
    const r = this.rng;
    const event = r.weighted<() => unknown>([
      [() => r.pick(['UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'SubagentStop', 'Notification', 'Stop', 'SessionEnd']), 6],
      [() => r.pick<unknown>(['stop', 'SessionStart', '', '__proto__', 'constructor', 5, null, {}, ['Stop'], plain(r, 3000)]), 3],
    ])();
    const input = { session_id: this.name('s'), hook_event_name: event, transcript_path: this.name('/tmp/'), cwd: '/home/dev/x', ...this.extras() };
    const stdin = r.chance(0.08) ? Buffer.from(r.pick(['', 'null', '{', '[]', 'x'.repeat(100_000)])) : Buffer.from(toJson(input));
    const arg = r.chance(0.3) ? r.pick(['Stop', 'UserPromptSubmit', 'Bogus', '', '__proto__', 'x'.repeat(5000)]) : undefined;
    return { stdin, arg };
  }

  /** A line of the hooks file as a damaged, older or newer writer could leave it. */
  hookRecord(): Buffer {
    const r = this.rng;
    if (r.chance(0.1)) return this.junkLine();
    const at = r.weighted<() => unknown>([
      [() => this.now - r.int(0, 600_000), 4],
      [() => r.pick<unknown>([1e300, -1, 0, 0.5, 8.64e15, 8.64e15 + 1, 2 ** 53, new Raw('1e400'), new Raw('-1e400'), this.now + 24 * HOUR, Date.UTC(2099, 0, 1), Date.UTC(1970, 0, 2), '2026-01-01T00:00:00Z', null, {}]), 4],
    ])();
    const rec = {
      v: r.pick<unknown>([1, 1, 1, 1, 2, 0, '1', null, new Raw('1e400')]),
      event: r.chance(0.8) ? r.pick(['UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'SubagentStop', 'Notification', 'Stop', 'SessionEnd']) : r.pick<unknown>(['Bogus', '', 5, null, '__proto__']),
      session: r.chance(0.8) ? `s${r.int(0, 5)}` : this.name('s'),
      at,
      ...this.extras(),
    };
    return Buffer.from(toJson(rec));
  }
}

/** Arrays nested `depth` deep: parsers that recurse run out of stack. */
function nested(depth: number): unknown {
  return new Raw('['.repeat(depth) + ']'.repeat(depth));
}

/** Whether any sane reading of `v` (ISO string, epoch ms or epoch s) falls within a day of `now`. */
function couldBeRecent(v: unknown, now: number): boolean {
  const near = (ms: number) => Number.isFinite(ms) && ms > now - 24 * HOUR && ms < now + 6 * HOUR;
  if (v instanceof Raw) return near(Number(v.text)) || near(Number(v.text) * 1000);
  if (typeof v === 'number') return near(v) || near(v * 1000);
  if (typeof v === 'string') return near(Date.parse(v)) || near(Number(v)) || near(Number(v) * 1000);
  if (Array.isArray(v)) return v.some((x) => couldBeRecent(x, now));
  if (v && typeof v === 'object') return Object.values(v).some((x) => couldBeRecent(x, now));
  return false;
}

function surelyInvalidCount(v: unknown): boolean {
  const n = v instanceof Raw ? Number(v.text) : v;
  if (typeof n === 'number') return !Number.isFinite(n) || n < 0 || !Number.isInteger(n) || n >= 2 ** 53;
  if (typeof n === 'string') return !Number.isFinite(Number(n)) || Number(n) < 0 || !Number.isInteger(Number(n)) || n.trim() === '';
  return n !== null && n !== undefined; // booleans, objects, arrays
}
