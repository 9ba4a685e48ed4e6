// OTLP requests shaped as Claude Code sends them, and a small client: for tests and demos.
import { gzipSync } from 'node:zlib';
import { encodeProto, otlpType } from '../../src/sources/otlp/proto.js';

export type Attr = Record<string, string | number | boolean>;

export function kv(a: Attr): { key: string; value: Record<string, unknown> }[] {
  return Object.entries(a).map(([key, v]) => ({
    key,
    value: typeof v === 'string' ? { stringValue: v } : typeof v === 'boolean' ? { boolValue: v } : Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v },
  }));
}

export const RESOURCE = { attributes: kv({ 'service.name': 'claude-code', 'service.version': '2.1.0', 'host.name': 'box1' }) };

export function apiRequest(o: { at: number; session?: string; requestId?: string; model?: string; input?: number | string; output?: number | string; cacheRead?: number | string; cacheCreation?: number | string }): Record<string, unknown> {
  const a: Attr = { 'event.name': 'api_request', 'event.timestamp': new Date(o.at).toISOString(), model: o.model ?? 'claude-opus-4-6' };
  if (o.session) a['session.id'] = o.session;
  if (o.requestId) a.request_id = o.requestId;
  if (o.input !== undefined) a.input_tokens = o.input;
  if (o.output !== undefined) a.output_tokens = o.output;
  if (o.cacheRead !== undefined) a.cache_read_tokens = o.cacheRead;
  if (o.cacheCreation !== undefined) a.cache_creation_tokens = o.cacheCreation;
  a.cost_usd = 0.25;
  return { timeUnixNano: String(BigInt(o.at) * 1_000_000n), body: { stringValue: 'claude_code.api_request' }, attributes: kv(a) };
}

export function logsRequest(records: Record<string, unknown>[], resource = RESOURCE): Record<string, unknown> {
  return { resourceLogs: [{ resource, scopeLogs: [{ scope: { name: 'com.anthropic.claude_code.events', version: '2.1.0' }, logRecords: records }] }] };
}

export interface Point {
  type: 'input' | 'output' | 'cacheRead' | 'cacheCreation';
  value: number;
  session?: string;
  model?: string;
  start?: number;
  at: number;
}

export function metricsRequest(points: Point[], temporality: 1 | 2 = 1, resource = RESOURCE): Record<string, unknown> {
  const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);
  return {
    resourceMetrics: [{
      resource,
      scopeMetrics: [{
        scope: { name: 'com.anthropic.claude_code', version: '2.1.0' },
        metrics: [
          { name: 'claude_code.cost.usage', unit: 'USD', sum: { aggregationTemporality: temporality, isMonotonic: true, dataPoints: [{ asDouble: 0.5, timeUnixNano: ns(points[0]?.at ?? 1) }] } },
          {
            name: 'claude_code.token.usage', unit: 'tokens',
            sum: {
              aggregationTemporality: temporality, isMonotonic: true,
              dataPoints: points.map((p) => {
                const a: Attr = { type: p.type, model: p.model ?? 'claude-opus-4-6' };
                if (p.session) a['session.id'] = p.session;
                return { attributes: kv(a), startTimeUnixNano: ns(p.start ?? p.at - 60_000), timeUnixNano: ns(p.at), asInt: String(p.value) };
              }),
            },
          },
        ],
      }],
    }],
  };
}

export const pbLogs = (req: Record<string, unknown>) => encodeProto('ExportLogsServiceRequest', req);
export const pbMetrics = (req: Record<string, unknown>) => encodeProto('ExportMetricsServiceRequest', req);

export interface Posted {
  status: number;
  type: string;
  body: Buffer;
  json: () => any;
  /** An error answer's google.rpc.Status, from either encoding, with our short reason (`bad_body`). */
  error: () => { code: number; message: string; reason: string };
}

export async function post(base: string, path: string, body: Uint8Array | string, headers: Record<string, string>): Promise<Posted> {
  const res = await fetch(`${base}${path}`, { method: 'POST', body: body as unknown as BodyInit, headers });
  const buf = Buffer.from(await res.arrayBuffer());
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, type, body: buf, json: () => JSON.parse(buf.toString('utf8')), error: () => otlpStatus(type, buf) };
}

export function otlpStatus(type: string, body: Uint8Array): { code: number; message: string; reason: string } {
  const s = /protobuf/.test(type) ? (otlpType('Status').toObject(otlpType('Status').decode(body), { defaults: true }) as { code: number; message: string }) : JSON.parse(Buffer.from(body).toString('utf8'));
  return { code: s.code, message: s.message, reason: String(s.message).split(':')[0] };
}

export const PB = { 'Content-Type': 'application/x-protobuf' };
export const PBGZ = { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip' };
export const JSONH = { 'Content-Type': 'application/json' };
export const gz = (b: Uint8Array | string) => new Uint8Array(gzipSync(b));
