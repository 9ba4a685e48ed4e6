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
        return c.json({ error: err.code, message: err.message }, err.status);
      }
      let acc: Accepted;
      try {
        acc = await h[kind](req);
      } catch (err) {
        // Not kept (the journal failed): a retryable answer, so the exporter sends it again.
        return c.json({ error: 'unavailable', message: `not kept: ${(err as Error).message}` }, 503, { 'Retry-After': '5' });
      }
      return reply(c, kind, format, acc);
    });
    app.all(`/v1/${kind}`, (c) => c.json({ error: 'method_not_allowed', message: 'use POST' }, 405, { Allow: 'POST' }));
  }
  app.notFound((c) => c.json({ error: 'not_found', message: `no such path: ${c.req.path} (OTLP/HTTP: POST /v1/logs, /v1/metrics)` }, 404));
  app.onError((err, c) => c.json({ error: 'internal', message: err.message }, 500));
  return app;
}

/** The OTLP answer, in the request's own encoding; partial_success only when something was refused. */
function reply(c: Context, kind: 'logs' | 'metrics', format: Format, acc: Accepted): Response {
  const sig = SIGNALS[kind];
  const msg: Record<string, unknown> = acc.rejected > 0 ? { partialSuccess: { [sig.rejectedField]: String(acc.rejected), errorMessage: acc.message ?? '' } } : {};
  if (format === 'json') return c.json(msg, 200);
  return c.body(new Uint8Array(encodeProto(sig.response, msg)), 200, { 'Content-Type': 'application/x-protobuf' });
}
