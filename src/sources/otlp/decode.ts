// One request's bytes -> gauge records, with every limit on the way: gzip cut off at its limit,
// values, records and attributes counted before anything is built, then parsed and converted.
// Synchronous and self-contained: it runs on the decode worker (parse-worker.ts), or here.
import { gunzipSync } from 'node:zlib';
import { BodyError, tooLarge, type BodyLimits, type Encoding, type Format } from './body.js';
import { convertLogs, tokenPoints, type LogsResult, type PointsResult } from './convert.js';
import { countJson, countParsed, countProto } from './count.js';
import { journalText } from './journal.js';
import { decodeProto, otlpType } from './proto.js';
import { errorCode } from '../../util/errno.js';

export type Signal = 'logs' | 'metrics';

export interface DecodeJob {
  kind: Signal;
  format: Format;
  encoding: Encoding;
  body: Uint8Array;
  /** The receiver's clock, for records that carry no time. */
  now: number;
  limits: BodyLimits;
}

export type Decoded =
  | { ok: true; kind: 'logs'; logs: LogsResult; journal: string }
  | { ok: true; kind: 'metrics'; points: PointsResult }
  | { ok: false; status: 400 | 413 | 415 | 500 | 503; code: string; message: string };

const MESSAGE = { logs: 'ExportLogsServiceRequest', metrics: 'ExportMetricsServiceRequest' } as const;

export function decodeRequest(job: DecodeJob): Decoded {
  try {
    const body = inflate(job.body, job.encoding, job.limits);
    const req = parse(job.kind, job.format, body, job.limits);
    if (job.kind === 'metrics') return { ok: true, kind: 'metrics', points: tokenPoints(req, job.now) };
    const logs = convertLogs(req, job.now);
    return { ok: true, kind: 'logs', logs, journal: journalText(logs.items) };
  } catch (err) {
    if (err instanceof BodyError) return { ok: false, status: err.status, code: err.code, message: err.message };
    return { ok: false, status: 500, code: 'internal', message: (err as Error).message };
  }
}

function inflate(body: Uint8Array, encoding: Encoding, limits: BodyLimits): Uint8Array {
  if (encoding === 'identity') {
    if (body.byteLength > limits.maxDecodedBytes) throw tooLarge(limits.maxDecodedBytes, 'body');
    return body;
  }
  try {
    // zlib stops inflating once the output passes maxOutputLength, so a bomb costs at most that.
    return gunzipSync(body, { maxOutputLength: limits.maxDecodedBytes });
  } catch (err) {
    if (errorCode(err) === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) throw tooLarge(limits.maxDecodedBytes, 'decompressed body');
    throw new BodyError(400, 'bad_gzip', `body is not valid gzip: ${(err as Error).message}`);
  }
}

/** A plain OTLP object (the shape OTLP/JSON has), after the work it would take is counted. */
export function parse(kind: Signal, format: Format, body: Uint8Array, limits: BodyLimits): Record<string, unknown> {
  let obj: unknown;
  if (format === 'protobuf') countProto(otlpType(MESSAGE[kind]), body, limits);
  else countJson(body, limits);
  try {
    obj = format === 'json' ? JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')) : decodeProto(MESSAGE[kind], body);
  } catch (err) {
    throw new BodyError(400, 'bad_body', `body is not a valid OTLP ${kind} ${format} message: ${(err as Error).message}`);
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new BodyError(400, 'bad_body', `body must be an OTLP ${kind} request object`);
  if (format === 'json') countParsed(kind, obj, limits);
  return obj as Record<string, unknown>;
}
