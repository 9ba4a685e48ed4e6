// How much a request would become, counted before it is built. JSON.parse and protobufjs have
// no limit of their own and build everything they are given: 4 MiB of empty ResourceLogs (two
// bytes each on the wire) decode to two million objects. These walks build nothing and stop at
// the first limit passed (body.ts BodyLimits), so a refused body costs a few milliseconds.
import protobuf from 'protobufjs';
import { BodyError, overLimit, type BodyLimits } from './body.js';
import { field, list } from './convert.js';

type WorkLimits = Pick<BodyLimits, 'maxRecords' | 'maxAttributes' | 'maxValues'>;

export interface Counts {
  values: number;
  records: number;
  attributes: number;
}

/** The messages that are records (log records, metric data points) and attributes. */
const RECORD_TYPES = new Set(['LogRecord', 'NumberDataPoint']);
const ATTRIBUTE_TYPE = 'KeyValue';

/**
 * Walks protobuf bytes as `type` describes them, with protobufjs's own Reader, the way its
 * decoder will: every field is one value, every embedded message is walked into, unknown fields
 * are skipped. A known field on the wire with another wire type than its declared one is refused,
 * since the decoder would read it as declared and see other messages than the ones counted here.
 */
export function countProto(type: protobuf.Type, body: Uint8Array, limits: WorkLimits): Counts {
  const r = protobuf.Reader.create(body);
  let values = 0;
  let records = 0;
  let attributes = 0;
  // protobufjs's decoder refuses messages nested deeper than this (protoc's default, 100): the
  // walk, which recurses as the decoder does, refuses them first.
  const maxDepth = protobuf.Reader.recursionLimit;
  const walk = (t: protobuf.Type, end: number, depth: number): void => {
    if (depth > maxDepth) throw overLimit('levels of nesting', maxDepth);
    while (r.pos < end) {
      const tag = r.uint32();
      if (++values > limits.maxValues) throw overLimit('values', limits.maxValues);
      const f = t.fieldsById[tag >>> 3];
      const wire = tag & 7;
      if (!f) {
        r.skipType(wire);
      } else if (f.resolve().resolvedType instanceof protobuf.Type) {
        if (wire !== 2) throw new Error(`${t.name}.${f.name} is a message but has wire type ${wire}`);
        const sub = f.resolvedType as protobuf.Type;
        if (RECORD_TYPES.has(sub.name) && ++records > limits.maxRecords) throw overLimit('records', limits.maxRecords);
        if (sub.name === ATTRIBUTE_TYPE && ++attributes > limits.maxAttributes) throw overLimit('attributes', limits.maxAttributes);
        const len = r.uint32();
        const stop = r.pos + len;
        if (stop > end) throw new Error(`${t.name}.${f.name} runs past its end`);
        walk(sub, stop, depth + 1);
      } else {
        const expected = protobuf.types.basic[f.type as keyof typeof protobuf.types.basic];
        if (expected !== wire && !(f.repeated && wire === 2)) throw new Error(`${t.name}.${f.name} has wire type ${wire}, not ${expected}`);
        r.skipType(wire);
      }
      if (r.pos > end) throw new Error(`${t.name} runs past its end`);
    }
  };
  try {
    walk(type, body.length, 0);
    return { values, records, attributes };
  } catch (err) {
    if (err instanceof BodyError) throw err;
    throw new BodyError(400, 'bad_body', `body is not a valid OTLP protobuf message: ${(err as Error).message}`);
  }
}

/**
 * Counts the values JSON.parse would build from these bytes: every member and element follows
 * an opening bracket or a comma (outside strings), so their number bounds what it builds.
 * Malformed JSON is left to JSON.parse to refuse.
 */
export function countJson(body: Uint8Array, limits: Pick<BodyLimits, 'maxValues'>): number {
  let values = 0;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < body.length; i++) {
    const b = body[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (b === 0x5c) escaped = true;
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) {
      inString = true;
    } else if ((b === 0x2c || b === 0x7b || b === 0x5b) && ++values > limits.maxValues) {
      throw overLimit('values', limits.maxValues);
    }
  }
  return values;
}

const DATA = ['sum', 'gauge', 'histogram', 'exponentialHistogram', 'summary'];
const DATA_SNAKE: Record<string, string> = { exponentialHistogram: 'exponential_histogram' };

/**
 * Records and attributes of a parsed OTLP/JSON request (already bounded by countJson), before
 * any of it is converted: the same limits protobuf requests meet in countProto.
 */
export function countParsed(kind: 'logs' | 'metrics', req: unknown, limits: WorkLimits): Omit<Counts, 'values'> {
  let records = 0;
  let attributes = 0;
  const attrs = (o: unknown) => {
    attributes += list(o, 'attributes').length;
    if (attributes > limits.maxAttributes) throw overLimit('attributes', limits.maxAttributes);
  };
  const recs = (items: unknown[]) => {
    records += items.length;
    if (records > limits.maxRecords) throw overLimit('records', limits.maxRecords);
    items.forEach(attrs);
  };
  const [outer, inner, leaf] = kind === 'logs' ? (['resourceLogs', 'scopeLogs', 'logRecords'] as const) : (['resourceMetrics', 'scopeMetrics', 'metrics'] as const);
  for (const r of list(req, outer, snake(outer))) {
    attrs(field(r, 'resource'));
    for (const s of list(r, inner, snake(inner))) {
      attrs(field(s, 'scope'));
      if (kind === 'logs') recs(list(s, leaf, snake(leaf)));
      else for (const m of list(s, leaf)) for (const d of DATA) recs(list(field(m, d, DATA_SNAKE[d]), 'dataPoints', 'data_points'));
    }
  }
  return { records, attributes };
}

const snake = (camel: string) => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
