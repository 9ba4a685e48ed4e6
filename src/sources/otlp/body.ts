// Request bodies: what one request may cost (bytes, then work), content types, reading the body.
// The decoding itself (gzip, counting, parsing) is in decode.ts, off the thread that answers /usage.

/**
 * What one OTLP request may cost. Claude Code exports log events in batches of at most 512
 * records (the OpenTelemetry SDK's default), each with about 20 attributes: about 0.7 MiB of
 * JSON, 0.4 MiB of protobuf, and some 60,000 JSON values. Its metrics, every 60 s, are a few
 * dozen data points. Each limit below leaves four times that or more, and together they keep the
 * costliest request that passes them under 64 MB of memory and a few hundred ms of one thread
 * (test/reliability/http-otlp-limits.test.ts measures it).
 */
export interface BodyLimits {
  /** Bytes on the wire (compressed, if gzip). */
  maxBytes: number;
  /** Bytes after decompression: a zip bomb is cut off here, mid-stream. */
  maxDecodedBytes: number;
  /** Log records, or metric data points, per request. */
  maxRecords: number;
  /** Attributes (key-value pairs, at every level) per request. */
  maxAttributes: number;
  /** Values per request, counted before anything is built: protobuf fields, JSON members and elements. */
  maxValues: number;
  /** Requests being read or decoded at once; more hear 429 with Retry-After. */
  maxInFlight: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: BodyLimits = {
  maxBytes: 4 * MiB,
  maxDecodedBytes: 4 * MiB,
  maxRecords: 2048,
  maxAttributes: 65_536,
  maxValues: 262_144,
  maxInFlight: 4,
};

/** Requests being read or decoded at once, one budget for both receivers (OTLP/HTTP and OTLP/gRPC). */
export class Slots {
  private used = 0;
  constructor(readonly max: number) {}

  take(): boolean {
    if (this.used >= this.max) return false;
    this.used++;
    return true;
  }

  release(): void {
    this.used--;
  }
}

export class BodyError extends Error {
  constructor(readonly status: 400 | 413 | 415, readonly code: string, message: string) {
    super(message);
  }
}

export type Format = 'protobuf' | 'json';
export type Encoding = 'gzip' | 'identity';

export function formatOf(contentType: string | undefined): Format {
  const mime = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mime === 'application/x-protobuf' || mime === 'application/protobuf') return 'protobuf';
  if (mime === 'application/json') return 'json';
  throw new BodyError(415, 'unsupported_media_type', `Content-Type must be application/x-protobuf or application/json, not ${JSON.stringify(mime || '(none)')}`);
}

export function encodingOf(contentEncoding: string | undefined): Encoding {
  const enc = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (enc === 'identity' || enc === '') return 'identity';
  if (enc === 'gzip') return 'gzip';
  throw new BodyError(415, 'unsupported_encoding', `Content-Encoding must be gzip or identity, not ${JSON.stringify(enc)}`);
}

/**
 * Reads the body, keeping nothing past the limit (the client may be lying about Content-Length).
 * The excess is read and dropped so the client hears the 413; past 4x the limit we hang up.
 * The bytes come back in a buffer of their own, so they can be handed to another thread.
 */
export async function readLimited(req: Request, limits: Pick<BodyLimits, 'maxBytes'>): Promise<Uint8Array> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (declared > 4 * limits.maxBytes) throw tooLarge(limits.maxBytes, 'body');
  if (!req.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size <= limits.maxBytes) chunks.push(value);
    else if (size > 4 * limits.maxBytes) {
      await reader.cancel().catch(() => {});
      break;
    }
  }
  if (size > limits.maxBytes) throw tooLarge(limits.maxBytes, 'body');
  const body = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.byteLength;
  }
  return body;
}

export function tooLarge(limit: number, what: string): BodyError {
  return new BodyError(413, 'payload_too_large', `${what} exceeds ${limit} bytes`);
}

export function overLimit(what: string, limit: number): BodyError {
  return new BodyError(413, 'payload_too_large', `more than ${limit} ${what} in one request`);
}
