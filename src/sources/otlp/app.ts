// OTLP/HTTP endpoints as a hono app: POST /v1/logs and /v1/metrics, protobuf or JSON, gzip or not.
import { Hono, type Context } from 'hono';
import { BodyError, DEFAULT_LIMITS, decompress, formatOf, parseBody, readLimited, type BodyLimits, type Format } from './body.js';
import { encodeProto } from './proto.js';

export interface Accepted {
  rejected: number;
  message?: string;
}

export interface OtlpHandlers {
  logs(req: Record<string, unknown>): Promise<Accepted>;
  metrics(req: Record<string, unknown>): Promise<Accepted>;
  /** Counts requests refused with a 4xx, for health. */
  onBadRequest?(status: number, message: string): void;
}

const SIGNALS = {
  logs: { response: 'ExportLogsServiceResponse', rejectedField: 'rejectedLogRecords' },
  metrics: { response: 'ExportMetricsServiceResponse', rejectedField: 'rejectedDataPoints' },
} as const;

export function createOtlpApp(h: OtlpHandlers, limits: BodyLimits = DEFAULT_LIMITS): Hono {
  const app = new Hono();
  for (const kind of ['logs', 'metrics'] as const) {
    app.post(`/v1/${kind}`, async (c) => {
      let format: Format;
      let req: Record<string, unknown>;
      try {
        format = formatOf(c.req.header('content-type'));
        const raw = await readLimited(c.req.raw, limits);
        const body = await decompress(raw, c.req.header('content-encoding'), limits);
        req = parseBody(kind, format, body);
      } catch (err) {
        if (!(err instanceof BodyError)) throw err;
        h.onBadRequest?.(err.status, err.message);
        return failure(c, err.status, err.code, err.message);
      }
      let acc: Accepted;
      try {
        acc = await h[kind](req);
      } catch (err) {
        // Not kept (the journal failed): a retryable answer, so the exporter sends it again.
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

// The gRPC code each HTTP answer stands for, as OTLP/HTTP pairs them.
const GRPC_CODE: Record<number, number> = { 400: 3, 404: 5, 405: 12, 413: 8, 415: 3, 500: 13, 503: 14 };
type ErrorStatus = 400 | 404 | 405 | 413 | 415 | 500 | 503;

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
  const sig = SIGNALS[kind];
  const msg: Record<string, unknown> = acc.rejected > 0 ? { partialSuccess: { [sig.rejectedField]: String(acc.rejected), errorMessage: acc.message ?? '' } } : {};
  if (format === 'json') return c.json(msg, 200);
  return c.body(new Uint8Array(encodeProto(sig.response, msg)), 200, { 'Content-Type': 'application/x-protobuf' });
}
