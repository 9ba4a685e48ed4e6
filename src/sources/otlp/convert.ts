// OTLP requests (the plain shape both JSON and decoded protobuf take) -> gauge events.
// JSON senders may use lowerCamelCase or the proto's snake_case names; both are read.
import { createHash } from 'node:crypto';
import type { ResponseEvent, Tokens, TurnEvent } from '../../core/events.js';

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

function field(o: unknown, camel: string, snake?: string): unknown {
  if (!o || typeof o !== 'object') return undefined;
  const r = o as Obj;
  return r[camel] ?? (snake ? r[snake] : undefined);
}

function list(o: unknown, camel: string, snake?: string): unknown[] {
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
  if (i !== undefined) return typeof i === 'string' ? Number(i) : i;
  const d = field(v, 'doubleValue', 'double_value');
  if (d !== undefined) return d;
  const b = field(v, 'boolValue', 'bool_value');
  if (b !== undefined) return b;
  const a = field(v, 'arrayValue', 'array_value');
  if (a !== undefined) return depth < MAX_VALUE_DEPTH ? list(a, 'values').map((x) => anyValue(x, depth + 1)) : undefined;
  return undefined;
}

export function attributes(o: unknown): Obj {
  const out: Obj = {};
  for (const kv of list(o, 'attributes')) {
    const k = field(kv, 'key');
    if (typeof k === 'string') out[k] = anyValue(field(kv, 'value'));
  }
  return out;
}

/** Non-negative finite number from a number or a numeric string; undefined when absent; NaN when garbage. */
function count(x: unknown): number | undefined {
  if (x === undefined || x === null || x === '') return undefined;
  const n = typeof x === 'number' ? x : typeof x === 'string' ? Number(x.trim()) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : NaN;
}

function nanosToMs(x: unknown): number | null {
  if (x === undefined || x === null) return null;
  const s = String(x);
  if (!/^\d+$/.test(s) || /^0+$/.test(s)) return null;
  return Number(BigInt(s) / 1_000_000n);
}

const digits = (x: unknown): string => (/^\d+$/.test(String(x)) ? String(x).replace(/^0+(?=\d)/, '') : '0');
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
  const out: LogsResult = { items: [], rejected: 0, errors: [] };
  for (const rl of list(req, 'resourceLogs', 'resource_logs')) {
    const res = field(rl, 'resource');
    const rOrigin = resourceOrigin(res);
    const resAttrs = attributes(res);
    for (const sl of list(rl, 'scopeLogs', 'scope_logs')) {
      for (const rec of list(sl, 'logRecords', 'log_records')) {
        const a = { ...resAttrs, ...attributes(rec) };
        const name = eventName(rec, a);
        if (name !== 'api_request' && name !== 'user_prompt' && name !== 'tool_result') continue;
        const iso = typeof a['event.timestamp'] === 'string' ? Date.parse(a['event.timestamp']) : NaN;
        const at = Number.isFinite(iso) ? iso : nanosToMs(field(rec, 'timeUnixNano', 'time_unix_nano')) ?? nanosToMs(field(rec, 'observedTimeUnixNano', 'observed_time_unix_nano')) ?? now;
        const sid = typeof a['session.id'] === 'string' && a['session.id'] ? a['session.id'] : null;
        const session = sid ?? rOrigin;
        if (name !== 'api_request') {
          out.items.push({ event: { kind: 'turn', at, session, awaiting: true } });
          continue;
        }
        const t = {
          input: count(a.input_tokens),
          output: count(a.output_tokens),
          cacheRead: count(a.cache_read_tokens),
          cacheCreation: count(a.cache_creation_tokens),
        };
        const vals = Object.values(t);
        if (vals.some((v) => Number.isNaN(v)) || vals.every((v) => v === undefined)) {
          out.rejected++;
          if (out.errors.length < 3) out.errors.push('api_request without usable token counts');
          continue;
        }
        const tokens: Tokens = { input: t.input ?? 0, output: t.output ?? 0, cacheRead: t.cacheRead ?? 0, cacheCreation: t.cacheCreation ?? 0 };
        const model = typeof a.model === 'string' && a.model ? a.model : 'unknown';
        const rid = typeof a.request_id === 'string' && a.request_id ? a.request_id : null;
        // Without a request id, identical retried exports still get one key.
        const key = rid ? `otlp:${rid}` : `otlp:${hash(`${session}|${at}|${model}|${JSON.stringify(tokens)}`)}`;
        out.items.push({
          event: {
            kind: 'response', key, at, model, tokens, session,
            thinkingReported: null, noThinking: true, visibleChars: 0,
            synthetic: model === '<synthetic>', sidechain: false, speed: false,
          },
          covers: sid ? [`s:${sid}`, rOrigin] : [rOrigin],
        });
      }
    }
  }
  return out;
}

function isCumulative(t: unknown): boolean {
  return t === 2 || t === '2' || t === 'AGGREGATION_TEMPORALITY_CUMULATIVE';
}

/** `claude_code.token.usage` data points; everything else is ignored. */
export function tokenPoints(req: Obj, now: number): { points: TokenPoint[]; rejected: number } {
  const points: TokenPoint[] = [];
  let rejected = 0;
  for (const rm of list(req, 'resourceMetrics', 'resource_metrics')) {
    const res = field(rm, 'resource');
    const rOrigin = resourceOrigin(res);
    const resKey = sorted(attributes(res));
    for (const sm of list(rm, 'scopeMetrics', 'scope_metrics')) {
      for (const m of list(sm, 'metrics')) {
        if (field(m, 'name') !== 'claude_code.token.usage') continue;
        const sum = field(m, 'sum');
        if (!sum) continue;
        const cumulative = isCumulative(field(sum, 'aggregationTemporality', 'aggregation_temporality'));
        for (const dp of list(sum, 'dataPoints', 'data_points')) {
          const a = attributes(dp);
          const type = TOKEN_TYPES[String(a.type)];
          const value = count(field(dp, 'asInt', 'as_int') ?? field(dp, 'asDouble', 'as_double'));
          if (!type || value === undefined || Number.isNaN(value)) {
            rejected++;
            continue;
          }
          const sid = typeof a['session.id'] === 'string' && a['session.id'] ? a['session.id'] : null;
          const time = digits(field(dp, 'timeUnixNano', 'time_unix_nano'));
          points.push({
            series: hash(`${resKey}|${sorted(a)}`),
            origin: sid ? `s:${sid}` : rOrigin,
            session: sid ?? rOrigin,
            model: typeof a.model === 'string' && a.model ? a.model : 'unknown',
            type, value, cumulative,
            start: digits(field(dp, 'startTimeUnixNano', 'start_time_unix_nano')),
            time,
            at: nanosToMs(time) ?? now,
          });
        }
      }
    }
  }
  return { points, rejected };
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
