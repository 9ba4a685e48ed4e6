// Request bodies: size limits before and after gzip, content types, then a plain OTLP object.
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { decodeProto } from './proto.js';

const gunzipAsync = promisify(gunzip);

export interface BodyLimits {
  /** Bytes on the wire (compressed, if gzip). */
  maxBytes: number;
  /** Bytes after decompression: a zip bomb is cut off here, mid-stream. */
  maxDecodedBytes: number;
}

export const DEFAULT_LIMITS: BodyLimits = { maxBytes: 4 * 1024 * 1024, maxDecodedBytes: 16 * 1024 * 1024 };

export class BodyError extends Error {
  constructor(readonly status: 400 | 413 | 415, readonly code: string, message: string) {
    super(message);
  }
}

export type Format = 'protobuf' | 'json';

export function formatOf(contentType: string | undefined): Format {
  const mime = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mime === 'application/x-protobuf' || mime === 'application/protobuf') return 'protobuf';
  if (mime === 'application/json') return 'json';
  throw new BodyError(415, 'unsupported_media_type', `Content-Type must be application/x-protobuf or application/json, not ${JSON.stringify(mime || '(none)')}`);
}

/**
 * Reads the body, keeping nothing past the limit (the client may be lying about Content-Length).
 * The excess is read and dropped so the client hears the 413; past 4x the limit we hang up.
 */
export async function readLimited(req: Request, limits: BodyLimits): Promise<Buffer> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (declared > 4 * limits.maxBytes) throw tooLarge(limits.maxBytes, 'body');
  if (!req.body) return Buffer.alloc(0);
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
  return Buffer.concat(chunks, size);
}

export async function decompress(body: Buffer, encoding: string | undefined, limits: BodyLimits): Promise<Buffer> {
  const enc = (encoding ?? 'identity').trim().toLowerCase();
  if (enc === 'identity' || enc === '') return body;
  if (enc !== 'gzip') throw new BodyError(415, 'unsupported_encoding', `Content-Encoding must be gzip or identity, not ${JSON.stringify(enc)}`);
  try {
    // zlib stops inflating once the output passes maxOutputLength, so a bomb costs at most that.
    return await gunzipAsync(body, { maxOutputLength: limits.maxDecodedBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) throw tooLarge(limits.maxDecodedBytes, 'decompressed body');
    throw new BodyError(400, 'bad_gzip', `body is not valid gzip: ${(err as Error).message}`);
  }
}

export function parseBody(kind: 'logs' | 'metrics', format: Format, body: Buffer): Record<string, unknown> {
  let obj: unknown;
  try {
    obj = format === 'json' ? JSON.parse(body.toString('utf8')) : decodeProto(kind === 'logs' ? 'ExportLogsServiceRequest' : 'ExportMetricsServiceRequest', body);
  } catch (err) {
    throw new BodyError(400, 'bad_body', `body is not a valid OTLP ${kind} ${format} message: ${(err as Error).message}`);
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new BodyError(400, 'bad_body', `body must be an OTLP ${kind} request object`);
  return obj as Record<string, unknown>;
}

function tooLarge(limit: number, what: string): BodyError {
  return new BodyError(413, 'payload_too_large', `${what} exceeds ${limit} bytes`);
}
