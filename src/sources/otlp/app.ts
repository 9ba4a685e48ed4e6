// OTLP/HTTP endpoints as a hono app: POST /v1/logs and /v1/metrics, protobuf or JSON, gzip or not.
import { Hono, type Context } from 'hono';
import { BodyError, DEFAULT_LIMITS, encodingOf, formatOf, readLimited, Slots, type BodyLimits, type Format } from './body.js';
import type { LogsResult, PointsResult } from './convert.js';
import { decodeRequest, type DecodeJob, type Decoded } from './decode.js';
import { encodeProto } from './proto.js';

export interface Accepted {
  rejected: number;
  message?: string;
}

export interface OtlpHandlers {
  /** `journal`: the accepted records' journal lines, written out by the decoder. */
  logs(r: LogsResult, journal?: string): Promise<Accepted>;
  metrics(r: PointsResult): Promise<Accepted>;
  /** Counts requests refused with a 4xx, for health. */
  onBadRequest?(status: number, message: string): void;
}

export interface OtlpAppOptions {
  limits?: Partial<BodyLimits>;
  /** Where bodies are decoded (DecodeThread in the daemon); in this thread by default. */
  decode?: (job: DecodeJob) => Promise<Decoded>;
  clock?: () => number;
  /** Shared with the gRPC receiver, so both together stay within maxInFlight. */
  slots?: Slots;
}

const SIGNALS = {
  logs: { response: 'ExportLogsServiceResponse', rejectedField: 'rejectedLogRecords' },
  metrics: { response: 'ExportMetricsServiceResponse', rejectedField: 'rejectedDataPoints' },
} as const;

/** Seconds a client told "too many at once" waits before it sends again. */
const BUSY_RETRY_S = '2';

export function createOtlpApp(h: OtlpHandlers, o: OtlpAppOptions = {}): Hono {
  const limits: BodyLimits = { ...DEFAULT_LIMITS, ...o.limits };
  const decode = o.decode ?? ((job: DecodeJob) => Promise.resolve(decodeRequest(job)));
  const clock = o.clock ?? Date.now;
  const slots = o.slots ?? new Slots(limits.maxInFlight);
  const app = new Hono();
  for (const kind of ['logs', 'metrics'] as const) {
    app.post(`/v1/${kind}`, async (c) => {
      // Bodies being read or decoded are what costs memory and time: beyond a few, senders wait.
      if (!slots.take()) {
        h.onBadRequest?.(429, 'too many requests at once');
        return failure(c, 429, 'too_many_requests', `more than ${limits.maxInFlight} requests at once; retry after ${BUSY_RETRY_S} s`, { 'Retry-After': BUSY_RETRY_S });
      }
      let format: Format = 'json';
      let decoded: Decoded;
      try {
        format = formatOf(c.req.header('content-type'));
        const encoding = encodingOf(c.req.header('content-encoding'));
        const body = await readLimited(c.req.raw, limits);
        decoded = await decode({ kind, format, encoding, body, now: clock(), limits });
      } catch (err) {
        if (!(err instanceof BodyError)) throw err;
        decoded = { ok: false, status: err.status, code: err.code, message: err.message };
      } finally {
        slots.release();
      }
      if (!decoded.ok) {
        if (decoded.status === 503) return failure(c, 503, decoded.code, decoded.message, { 'Retry-After': '1' });
        if (decoded.status !== 500) h.onBadRequest?.(decoded.status, decoded.message);
        return failure(c, decoded.status, decoded.code, decoded.message);
      }
      let acc: Accepted;
      try {
        acc = decoded.kind === 'logs' ? await h.logs(decoded.logs, decoded.journal) : await h.metrics(decoded.points);
      } catch (err) {
        // Not kept: a retryable answer, so the exporter sends it again.
        return failure(c, 503, 'unavailable', `not kept: ${(err as Error).message}`, { 'Retry-After': '5' });
      }
      return reply(c, kind, format, acc);
    });
    app.all(`/v1/${kind}`, (c) => failure(c, 405, 'method_not_allowed', 'use POST', { Allow: 'POST' }));
  }
  app.notFound((c) => failure(c, 404, 'not_found', `no such path: ${c.req.path} (OTLP/HTTP: POST /v1/logs, /v1/metrics)`));
  app.onError((err, c) => failure(c, 500, 'internal', err.message));
  return app;
}

/** The gRPC code each HTTP answer stands for, as OTLP/HTTP pairs them (the gRPC receiver answers with these). */
export const GRPC_CODE: Record<number, number> = { 400: 3, 404: 5, 405: 12, 413: 8, 415: 3, 429: 8, 500: 13, 503: 14 };
type ErrorStatus = 400 | 404 | 405 | 413 | 415 | 429 | 500 | 503;

/**
 * An error answer as the OTLP/HTTP specification asks: a google.rpc.Status in the request's
 * encoding (protobuf for protobuf requests, else JSON). The message starts with our short
 * reason (`bad_body: ...`); the JSON form also carries it as `error`.
 */
function failure(c: Context, status: ErrorStatus, reason: string, detail: string, headers: Record<string, string> = {}): Response {
  const body = { code: GRPC_CODE[status] ?? 2, message: `${reason}: ${detail}` };
  const proto = /protobuf/i.test(c.req.header('content-type') ?? '');
  if (proto) return c.body(new Uint8Array(encodeProto('Status', body)), status, { ...headers, 'Content-Type': 'application/x-protobuf' });
  return c.json({ ...body, error: reason }, status, headers);
}

/** The OTLP answer, in the request's own encoding; partial_success only when something was refused. */
function reply(c: Context, kind: 'logs' | 'metrics', format: Format, acc: Accepted): Response {
  const msg = exportResponse(kind, acc);
  if (format === 'json') return c.json(msg, 200);
  return c.body(new Uint8Array(encodeProto(SIGNALS[kind].response, msg)), 200, { 'Content-Type': 'application/x-protobuf' });
}

/** An Export*ServiceResponse as a plain object: partial_success only when something was refused. */
export function exportResponse(kind: 'logs' | 'metrics', acc: Accepted): Record<string, unknown> {
  const sig = SIGNALS[kind];
  return acc.rejected > 0 ? { partialSuccess: { [sig.rejectedField]: String(acc.rejected), errorMessage: acc.message ?? '' } } : {};
}

/** The same answer as protobuf bytes (what a gRPC Export returns). */
export function exportResponseBytes(kind: 'logs' | 'metrics', acc: Accepted): Uint8Array {
  return encodeProto(SIGNALS[kind].response, exportResponse(kind, acc));
}
