// OTLP/gRPC beside OTLP/HTTP: the collector services' Export methods for logs and metrics. Their
// request is the same ExportLogs/MetricsServiceRequest a protobuf POST carries, so the methods take
// it as raw bytes and hand it to the HTTP path's decoder: one schema, one set of limits, one answer.
// Traces are not registered, so their Export hears UNIMPLEMENTED (OTLP/HTTP answers 404 for them).
import grpc from '@grpc/grpc-js';
import type { Accepted, OtlpHandlers } from './app.js';
import { exportResponseBytes, GRPC_CODE } from './app.js';
import type { BodyLimits, Slots } from './body.js';
import type { DecodeJob, Decoded, Signal } from './decode.js';

const SERVICES: Record<Signal, string> = {
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
};

export interface GrpcReceiverOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  handlers: OtlpHandlers;
  limits: BodyLimits;
  decode: (job: DecodeJob) => Promise<Decoded>;
  /** The HTTP receiver's budget of requests at once, shared. */
  slots: Slots;
  clock: () => number;
}

/** How long close() lets calls in progress finish before it cuts them off. */
const CLOSE_GRACE_MS = 2_000;

const bytes = (b: Buffer) => b;

/** A unary method whose messages are left as bytes: decoding is ours (decode.ts). */
function rawMethod(path: string): grpc.MethodDefinition<Buffer, Buffer> {
  return { path, requestStream: false, responseStream: false, requestSerialize: bytes, requestDeserialize: bytes, responseSerialize: bytes, responseDeserialize: bytes };
}

export class GrpcReceiver {
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly server: grpc.Server,
    readonly host: string,
    readonly port: number,
  ) {}

  /** Listens, or rejects with the reason (a port in use, no permission) in one line. */
  static async listen(o: GrpcReceiverOptions): Promise<GrpcReceiver> {
    // grpc-js writes its own errors to stderr ("No address added ..."); ours say it in a line of their own.
    grpc.setLogVerbosity(grpc.logVerbosity.NONE);
    const server = new grpc.Server({
      // The HTTP body limit; grpc-js answers RESOURCE_EXHAUSTED past it, gzip counted once inflated.
      'grpc.max_receive_message_length': Math.min(o.limits.maxBytes, o.limits.maxDecodedBytes),
      // Per connection; a client's further calls wait in its own HTTP/2 layer instead.
      'grpc.max_concurrent_streams': o.limits.maxInFlight,
    });
    for (const kind of ['logs', 'metrics'] as const) {
      const definition = { Export: rawMethod(SERVICES[kind]) } as grpc.ServiceDefinition;
      server.addService(definition, { Export: exportHandler(kind, o) });
    }
    const address = `${o.host.includes(':') ? `[${o.host}]` : o.host}:${o.port}`;
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(bindError(err, o.host, o.port)) : resolve(bound))),
    ).catch((err: Error) => {
      server.forceShutdown();
      throw err;
    });
    return new GrpcReceiver(server, o.host, port);
  }

  /** Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      const cut = setTimeout(() => this.server.forceShutdown(), CLOSE_GRACE_MS);
      this.server.tryShutdown(() => {
        clearTimeout(cut);
        resolve();
      });
    });
    return this.closing;
  }
}

function bindError(err: Error, host: string, port: number): Error {
  if (/EADDRINUSE/.test(err.message)) return new Error(`port ${port} on ${host} is already in use (an OpenTelemetry collector, or another claude-gauge?)`);
  if (/EACCES/.test(err.message)) return new Error(`no permission to listen on port ${port}; use a port above 1023`);
  return new Error(`cannot listen on ${host}:${port}: ${err.message}`);
}

type Answer = { code: grpc.status; details: string } | { response: Buffer };

function exportHandler(kind: Signal, o: GrpcReceiverOptions): grpc.handleUnaryCall<Buffer, Buffer> {
  return (call, callback) => {
    answer(kind, call.request, o).then(
      (a) => ('response' in a ? callback(null, a.response) : callback({ code: a.code, details: a.details })),
      (err: Error) => callback({ code: grpc.status.INTERNAL, details: `internal: ${err.message}` }),
    );
  };
}

/** What the HTTP path would answer (app.ts), as a gRPC status. */
async function answer(kind: Signal, request: Buffer, o: GrpcReceiverOptions): Promise<Answer> {
  const h = o.handlers;
  if (!o.slots.take()) {
    h.onBadRequest?.(429, 'too many requests at once');
    // UNAVAILABLE, not RESOURCE_EXHAUSTED: OTLP clients retry it without a RetryInfo detail.
    return { code: grpc.status.UNAVAILABLE, details: `too_many_requests: more than ${o.limits.maxInFlight} requests at once; retry shortly` };
  }
  let decoded: Decoded;
  try {
    // A buffer of its own, handed to the decoder thread without copying (grpc-js's is a view of the frame).
    decoded = await o.decode({ kind, format: 'protobuf', encoding: 'identity', body: new Uint8Array(request), now: o.clock(), limits: o.limits });
  } finally {
    o.slots.release();
  }
  if (!decoded.ok) {
    if (decoded.status !== 500 && decoded.status !== 503) h.onBadRequest?.(decoded.status, decoded.message);
    return { code: GRPC_CODE[decoded.status] ?? grpc.status.UNKNOWN, details: `${decoded.code}: ${decoded.message}` };
  }
  let acc: Accepted;
  try {
    acc = decoded.kind === 'logs' ? await h.logs(decoded.logs, decoded.journal) : await h.metrics(decoded.points);
  } catch (err) {
    return { code: grpc.status.UNAVAILABLE, details: `unavailable: not kept: ${(err as Error).message}` };
  }
  return { response: Buffer.from(exportResponseBytes(kind, acc)) };
}
