// OTLP requests (the plain shape both JSON and decoded protobuf take) -> gauge events.
// JSON senders may use lowerCamelCase or the proto's snake_case names; both are read.
import { createHash } from 'node:crypto';
import type { ResponseEvent, Tokens, TurnEvent } from '../../core/events.js';
import { MAX_TOKENS, MAX_TOTAL_TOKENS, rejection, timeOf, tokenCount, type Rejection } from '../../core/validate.js';

type Obj = Record<string, unknown>;

export interface LogItem {
  event: ResponseEvent | TurnEvent;
  /** For api_request: the origins this event covers (see FallbackGate). */
  covers?: string[];
}

export interface LogsResult {
  items: LogItem[];
  rejected: number;
  errors: string[];
}

export interface PointsResult {
  points: TokenPoint[];
  rejected: number;
  errors: string[];
}

export interface TokenPoint {
  series: string;
  /** Session origin ("s:<session.id>"), or the resource's ("r:<hash>") when metrics carry no session. */
  origin: string;
  session: string;
  model: string;
  type: keyof Tokens;
  value: number;
  cumulative: boolean;
  start: string;
  time: string;
  at: number;
}

const TOKEN_TYPES: Record<string, keyof Tokens> = { input: 'input', output: 'output', cacheRead: 'cacheRead', cacheCreation: 'cacheCreation' };

export function field(o: unknown, camel: string, snake?: string): unknown {
  if (!o || typeof o !== 'object') return undefined;
  const r = o as Obj;
  return r[camel] ?? (snake ? r[snake] : undefined);
}

export function list(o: unknown, camel: string, snake?: string): unknown[] {
  const v = field(o, camel, snake);
  return Array.isArray(v) ? v : [];
}

/** Arrays in attribute values may nest; past this depth they read as absent (a hostile depth would blow the stack). */
const MAX_VALUE_DEPTH = 16;

function anyValue(v: unknown, depth = 0): unknown {
  if (!v || typeof v !== 'object') return undefined;
  const s = field(v, 'stringValue', 'string_value');
  if (s !== undefined) return s;
  const i = field(v, 'intValue', 'int_value');
  // int64 as JSON writes it: a decimal string (anything else reads as NaN, which no count accepts).
  if (i !== undefined) return typeof i === 'string' ? (/^-?\d{1,20}$/.test(i) ? Number(i) : NaN) : i;
  const d = field(v, 'doubleValue', 'double_value');
  if (d !== undefined) return d;
  const b = field(v, 'boolValue', 'bool_value');
  if (b !== undefined) return b;
  const a = field(v, 'arrayValue', 'array_value');
  if (a !== undefined) return depth < MAX_VALUE_DEPTH ? list(a, 'values').map((x) => anyValue(x, depth + 1)) : undefined;
  return undefined;
}

export function attributes(o: unknown): Obj {
  // No prototype: a key named __proto__ is an attribute like any other.
  const out: Obj = Object.create(null);
  for (const kv of list(o, 'attributes')) {
    const k = field(kv, 'key');
    if (typeof k === 'string') out[k] = anyValue(field(kv, 'value'));
  }
  return out;
}

/**
 * A token count as Claude Code sends it, a number or a numeric string: undefined when absent,
 * null when it is no count the gauges take (tokenCount: a whole number from 0 to `max`).
 */
function count(x: unknown, max = MAX_TOKENS): number | undefined | null {
  if (x === undefined || x === null || x === '') return undefined;
  const n = typeof x === 'string' ? (x.trim() ? Number(x) : NaN) : x;
  return tokenCount(n, max);
}

/**
 * OTLP's nanoseconds since the epoch (a decimal string from JSON and from our protobuf decoding,
 * or a number) as epoch ms: undefined when unset (absent or 0), null when no instant the gauges
 * can hold (timeOf). A uint64 has at most 20 digits; longer strings never reach BigInt.
 */
function nanosTime(x: unknown): number | undefined | null {
  if (x === undefined || x === null || x === '') return undefined;
  let ms: number;
  if (typeof x === 'string') {
    if (!/^\d{1,20}$/.test(x)) return null;
    const ns = BigInt(x);
    if (ns === 0n) return undefined;
    ms = Number(ns / 1_000_000n);
  } else if (typeof x === 'number') {
    if (x === 0) return undefined;
    ms = Math.floor(x / 1e6);
  } else return null;
  return timeOf(ms);
}

/** The record's instant: the first time it gives, or `now` when it gives none; null when any time it gives is unusable. */
function recordTime(times: (number | undefined | null)[], now: number): number | null {
  if (times.includes(null)) return null;
  return (times.find((t) => t !== undefined) as number | undefined) ?? now;
}

const WHY: Record<Rejection, string> = {
  time: 'a timestamp outside 2000-2100 or unreadable',
  tokens: 'no usable token counts (whole numbers from 0 to 1e9)',
  shape: 'fields of the wrong type or longer than 1024 characters',
};

/** Rejected records per reason, for partial_success's error_message. */
class Refusals {
  private by = new Map<string, number>();
  total = 0;

  add(what: string, why: Rejection): void {
    this.total++;
    const k = `${what} with ${WHY[why]}`;
    this.by.set(k, (this.by.get(k) ?? 0) + 1);
  }

  messages(): string[] {
    return [...this.by].map(([k, n]) => `${n} ${k}`);
  }
}

/** A time field as the key of a metric point: its digits without leading zeros (validated by nanosTime first). */
const digits = (x: unknown): string => (/^\d{1,20}$/.test(String(x)) ? String(x).replace(/^0+(?=\d)/, '') : '0');
const hash = (s: string) => createHash('sha1').update(s).digest('hex').slice(0, 16);
const sorted = (o: Obj) => JSON.stringify(Object.keys(o).sort().map((k) => [k, o[k]]));

export function resourceOrigin(resource: unknown): string {
  return `r:${hash(sorted(attributes(resource)))}`;
}

function eventName(rec: unknown, a: Obj): string {
  const raw = field(rec, 'eventName', 'event_name') || a['event.name'] || anyValue(field(rec, 'body'));
  return typeof raw === 'string' ? raw.replace(/^claude_code\./, '') : '';
}

export function convertLogs(req: Obj, now: number): LogsResult {
  const items: LogItem[] = [];
  const refused = new Refusals();
  for (const rl of list(req, 'resourceLogs', 'resource_logs')) {
    const res = field(rl, 'resource');
    // Read once per resource, and only for a resource that has a record we use.
    let resource: { origin: string; attrs: Obj } | undefined;
    const ofResource = () => (resource ??= { origin: resourceOrigin(res), attrs: attributes(res) });
    for (const sl of list(rl, 'scopeLogs', 'scope_logs')) {
      for (const rec of list(sl, 'logRecords', 'log_records')) {
        const { origin: rOrigin, attrs: resAttrs } = ofResource();
        const a = { ...resAttrs, ...attributes(rec) };
        const name = eventName(rec, a);
        if (name !== 'api_request' && name !== 'user_prompt' && name !== 'tool_result') continue;
        const stamp = a['event.timestamp'];
        const at = recordTime([
          stamp === undefined ? undefined : timeOf(stamp),
          nanosTime(field(rec, 'timeUnixNano', 'time_unix_nano')),
          nanosTime(field(rec, 'observedTimeUnixNano', 'observed_time_unix_nano')),
        ], now);
        if (at === null) {
          refused.add(name, 'time');
          continue;
        }
        const sid = typeof a['session.id'] === 'string' && a['session.id'] ? a['session.id'] : null;
        const session = sid ?? rOrigin;
        let item: LogItem;
        if (name !== 'api_request') {
          item = { event: { kind: 'turn', at, session, awaiting: true } };
        } else {
          const t = { input: count(a.input_tokens), output: count(a.output_tokens), cacheRead: count(a.cache_read_tokens), cacheCreation: count(a.cache_creation_tokens) };
          const vals = Object.values(t);
          if (vals.includes(null) || vals.every((v) => v === undefined)) {
            refused.add(name, 'tokens');
            continue;
          }
          const tokens: Tokens = { input: t.input ?? 0, output: t.output ?? 0, cacheRead: t.cacheRead ?? 0, cacheCreation: t.cacheCreation ?? 0 };
          const model = typeof a.model === 'string' && a.model ? a.model : 'unknown';
          const rid = typeof a.request_id === 'string' && a.request_id ? a.request_id : null;
          // Without a request id, identical retried exports still get one key.
          const key = rid ? `otlp:${rid}` : `otlp:${hash(`${session}|${at}|${model}|${JSON.stringify(tokens)}`)}`;
          item = {
            event: {
              kind: 'response', key, at, model, tokens, session,
              thinkingReported: null, noThinking: true, visibleChars: 0,
              synthetic: model === '<synthetic>', sidechain: false, speed: false,
            },
            covers: sid ? [`s:${sid}`, rOrigin] : [rOrigin],
          };
        }
        // The one boundary every input crosses (core/validate.ts): what fails it is refused here,
        // in the answer, and never reaches the journal.
        const why = rejection(item.event);
        if (why) refused.add(name, why);
        else items.push(item);
      }
    }
  }
  return { items, rejected: refused.total, errors: refused.messages() };
}

function isCumulative(t: unknown): boolean {
  return t === 2 || t === '2' || t === 'AGGREGATION_TEMPORALITY_CUMULATIVE';
}

/** `claude_code.token.usage` data points; everything else is ignored. */
export function tokenPoints(req: Obj, now: number): PointsResult {
  const points: TokenPoint[] = [];
  const refused = new Refusals();
  for (const rm of list(req, 'resourceMetrics', 'resource_metrics')) {
    const res = field(rm, 'resource');
    let resource: { origin: string; key: string } | undefined;
    const ofResource = () => (resource ??= { origin: resourceOrigin(res), key: sorted(attributes(res)) });
    for (const sm of list(rm, 'scopeMetrics', 'scope_metrics')) {
      for (const m of list(sm, 'metrics')) {
        if (field(m, 'name') !== 'claude_code.token.usage') continue;
        const sum = field(m, 'sum');
        if (!sum) continue;
        const cumulative = isCumulative(field(sum, 'aggregationTemporality', 'aggregation_temporality'));
        for (const dp of list(sum, 'dataPoints', 'data_points')) {
          const a = attributes(dp);
          const type = TOKEN_TYPES[String(a.type)];
          // A cumulative counter is a session's running total (bounded like another tool's totals);
          // a delta, and every delta taken from a counter, is one record's worth (MAX_TOKENS).
          const value = count(field(dp, 'asInt', 'as_int') ?? field(dp, 'asDouble', 'as_double'), cumulative ? MAX_TOTAL_TOKENS : MAX_TOKENS);
          if (!type || value === undefined || value === null) {
            refused.add('token.usage point', 'tokens');
            continue;
          }
          const rawTime = field(dp, 'timeUnixNano', 'time_unix_nano');
          const rawStart = field(dp, 'startTimeUnixNano', 'start_time_unix_nano');
          const at = recordTime([nanosTime(rawTime)], now);
          if (at === null || nanosTime(rawStart) === null) {
            refused.add('token.usage point', 'time');
            continue;
          }
          const sid = typeof a['session.id'] === 'string' && a['session.id'] ? a['session.id'] : null;
          const { origin: rOrigin, key: resKey } = ofResource();
          const p: TokenPoint = {
            series: hash(`${resKey}|${sorted(a)}`),
            origin: sid ? `s:${sid}` : rOrigin,
            session: sid ?? rOrigin,
            model: typeof a.model === 'string' && a.model ? a.model : 'unknown',
            type, value, cumulative,
            start: digits(rawStart),
            time: digits(rawTime),
            at,
          };
          // The deltas are checked again once taken (index.ts); here the point's own fields.
          const why = rejection(pointEvent(p, 0));
          if (why) refused.add('token.usage point', why);
          else points.push(p);
        }
      }
    }
  }
  return { points, rejected: refused.total, errors: refused.messages() };
}

/** A token-usage delta as a response of its own (one kind of token), keyed so a retried export dedups. */
export function pointEvent(p: TokenPoint, delta: number): ResponseEvent {
  const tokens: Tokens = { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 };
  tokens[p.type] = delta;
  return {
    kind: 'response', key: `otlpm:${p.series}:${p.start}:${p.time}`, at: p.at, model: p.model, tokens, session: p.session,
    thinkingReported: null, noThinking: true, visibleChars: 0, synthetic: false, sidechain: false, speed: false,
  };
}
