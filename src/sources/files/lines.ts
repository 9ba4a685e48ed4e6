// Cuts a file into whole lines, chunk by chunk, for every reader of transcripts (the live tailer,
// the bulk scan, the history ingest). The reader does the reading (sync or async, into whatever
// buffer it likes: the bulk scan's lives in WebAssembly memory); the splitter says where to read
// and hands back chunks that end at a newline. What it guarantees:
// - Linear cost. An unfinished line is carried at the front of the buffer, never joined by copying
//   chunks together, and each newline search covers only the bytes just read. Across calls (a live
//   file read again on every change) the position says how far an unfinished line was already
//   searched: a 50 MB line written over minutes is searched once, and read once more when its
//   newline comes (if it is under the cap).
// - A line longer than `maxLine` (MAX_LINE_BYTES) is skipped and counted, and never held: past the
//   cap the splitter only looks for its newline. Every read is at most `maxLine` bytes, so every
//   line handed back is at most `maxLine` bytes, however the reads fall.
// Vector's file source (read_until_with_max_size) reads lines the same way.
import { isUtf8 } from 'node:buffer';

/**
 * The cap on one line: 16 MiB. A line that carries usage is one model response, a few hundred
 * kilobytes at most (its text and tool input are bounded by the output token limit); the longest
 * lines are user turns with pasted images, which carry no usage. Above the cap a line is skipped
 * and counted, so a runaway line (a broken writer, a file that is not a transcript) costs neither
 * memory nor time beyond it.
 */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

const NEWLINE = 0x0a;
const SEARCH_VIEW_FROM = 64 * 1024;
const EMPTY = Buffer.alloc(0);

/** Where reading stands in a file: the part of a checkpoint the splitter moves. */
export interface LinePosition {
  /** Bytes consumed: just after a newline (or 0). Lines before it were handed on. */
  offset: number;
  /** Bytes from `offset` to here were read and hold no newline: an unfinished line searched already. */
  scanned: number;
  /** That unfinished line is longer than the cap: skipped to its newline. */
  overlong: boolean;
}

export const START: Readonly<LinePosition> = Object.freeze({ offset: 0, scanned: 0, overlong: false });

/** Read `len` bytes into `buf` at `at` from file offset `pos`, then call took() with the count. */
export interface ReadRequest {
  buf: Buffer;
  at: number;
  len: number;
  pos: number;
}

/** Whole lines: buf[0, lastNl] (lastNl is the last line's newline); buf[0] is at file offset `base`. */
export interface LineChunk {
  buf: Buffer;
  lastNl: number;
  base: number;
}

export interface SplitterOptions {
  /** Hands out a buffer at least this long, keeping what the last one held (the bulk scan's finder area). */
  area?: (bytes: number) => Buffer;
  /** Most bytes per read (default: whatever is free in the buffer). */
  readBytes?: number;
  /** The buffer grows when less than this is free (default 64 KiB, or readBytes when smaller). */
  minRead?: number;
  /** Stop reading at this offset (the size when the file was opened); default: until a read returns 0. */
  end?: number;
  maxLine?: number;
  /** Told where each over-long line starts, as it is skipped. */
  onOverlong?: (start: number) => void;
}

export class LineSplitter {
  /** Lines skipped for being longer than the cap. */
  overlong = 0;
  private buf: Buffer = EMPTY;
  private readonly area: (bytes: number) => Buffer;
  private readonly readBytes: number;
  private readonly minRead: number;
  private readonly end: number;
  private readonly maxLine: number;
  private readonly onOverlong?: (start: number) => void;
  /** Bytes of an unfinished line at the front of buf. */
  private held = 0;
  /** The rest after a chunk's last newline, moved to the front before the next read. */
  private shift: [number, number] | null = null;
  /** File offset of the next read. */
  private pos: number;
  private offset: number;
  private scanned: number;
  /** Looking only for the newline that ends an unfinished line (searched before, or over the cap): nothing held. */
  private seeking: boolean;
  /** ... and that line is over the cap. */
  private skipping: boolean;
  private done = false;

  /** @param end stop reading at this offset (overrides `o.end`) */
  constructor(at: LinePosition, o: SplitterOptions = {}, end = o.end ?? Infinity) {
    this.readBytes = o.readBytes ?? Infinity;
    this.minRead = Math.min(o.minRead ?? 64 * 1024, this.readBytes);
    this.end = end;
    this.maxLine = o.maxLine ?? MAX_LINE_BYTES;
    this.onOverlong = o.onOverlong;
    this.area = o.area ?? ((bytes) => {
      const bigger = Buffer.allocUnsafe(bytes);
      this.buf.copy(bigger, 0, 0, this.held);
      return bigger;
    });
    this.offset = at.offset;
    this.scanned = Math.max(at.offset, at.scanned);
    this.skipping = at.overlong;
    this.seeking = at.overlong || this.scanned > at.offset;
    this.pos = this.seeking ? this.scanned : this.offset;
  }

  /** Where to read next, or null when the end is reached. */
  next(): ReadRequest | null {
    if (this.done) return null;
    if (this.shift) {
      const [from, to] = this.shift;
      this.buf.copy(this.buf, 0, from, to);
      this.held = to - from;
      this.shift = null;
    }
    const left = this.end - this.pos;
    if (left <= 0) {
      this.done = true;
      return null;
    }
    // Never more than the cap at once: a line that starts and ends inside one read is under it.
    const want = Math.min(this.readBytes, left, this.maxLine);
    const room = this.seeking ? 0 : this.held; // a search for a newline keeps nothing
    const need = Math.min(want, this.minRead);
    if (this.buf.length - room < need) {
      this.buf = this.area(Math.max(room + need, Math.min(2 * this.buf.length, this.maxLine + need)));
    }
    return { buf: this.buf, at: room, len: Math.min(this.buf.length - room, want), pos: this.pos };
  }

  /** `n` bytes were read where next() said; whole lines, when they are complete. */
  took(n: number): LineChunk | null {
    if (n <= 0) {
      this.done = true; // the file ended before its size said (cut short meanwhile)
      return null;
    }
    const at = this.pos;
    this.pos += n;
    return this.seeking ? this.seek(at, n) : this.lines(this.held, this.held + n);
  }

  private seek(at: number, n: number): null {
    const k = this.buf.subarray(0, n).indexOf(NEWLINE);
    if (k < 0) {
      this.scanned = this.pos;
      if (this.scanned - this.offset > this.maxLine) this.skipping = true;
      return null;
    }
    const nl = at + k;
    if (this.skipping || nl - this.offset > this.maxLine) {
      this.skipped(this.offset);
      this.offset = nl + 1;
    }
    // Read on from the line's start: the line that just ended (at most the cap), or what follows a
    // skipped one (the rest of this read, read again).
    this.seeking = this.skipping = false;
    this.scanned = this.pos = this.offset;
    this.held = 0;
    return null;
  }

  /** buf[0, held) is an unfinished line (no newline), buf[held, end) was just read. */
  private lines(held: number, end: number): LineChunk | null {
    for (;;) {
      // Only the bytes just read are searched: the carried line holds no newline (a view costs
      // more than a search through a short one).
      const found =
        end === held ? -1 : held > SEARCH_VIEW_FROM ? held + this.buf.subarray(held, end).lastIndexOf(NEWLINE) : this.buf.lastIndexOf(NEWLINE, end - 1);
      if (found < held) {
        this.held = end;
        if (end > this.maxLine) {
          // Over the cap and unfinished: let go of it and only look for its newline.
          this.seeking = this.skipping = true;
          this.scanned = this.pos;
          this.held = 0;
        }
        return null;
      }
      if (held > 0 && end > this.maxLine) {
        // The line carried in may have grown past the cap with this read (the others are shorter than a read).
        const first = this.buf.indexOf(NEWLINE, held);
        if (first > this.maxLine) {
          this.skipped(this.offset);
          this.offset += first + 1;
          this.buf.copy(this.buf, 0, first + 1, end);
          end -= first + 1;
          held = 0;
          continue;
        }
      }
      const lastNl = found;
      const chunk = { buf: this.buf, lastNl, base: this.offset };
      this.offset += lastNl + 1;
      this.shift = [lastNl + 1, end];
      this.held = 0;
      return chunk;
    }
  }

  private skipped(start: number): void {
    this.overlong++;
    this.onOverlong?.(start);
  }

  /**
   * For a one-shot read (ccusage reads the last line without its newline): the unfinished last
   * line, consumed; an over-long one is counted and skipped. Valid until the next call. Empty when
   * reading resumed inside an unfinished line (a one-shot read starts at a line's start).
   */
  finish(): Buffer {
    if (this.seeking) {
      if (this.skipping) {
        this.skipped(this.offset);
        this.seeking = this.skipping = false;
        this.offset = this.scanned = this.pos;
      }
      return EMPTY;
    }
    const held = this.shift ? this.shift[1] - this.shift[0] : this.held;
    const rest = this.shift ? this.buf.subarray(this.shift[0], this.shift[1]) : this.buf.subarray(0, held);
    this.shift = null;
    this.held = 0;
    this.offset += held;
    this.scanned = this.offset;
    return rest;
  }

  position(): LinePosition {
    return this.positionInto({ offset: 0, scanned: 0, overlong: false });
  }

  /** Writes the position into `at` (a checkpoint), and returns it. */
  positionInto<T extends LinePosition>(at: T): T {
    at.offset = this.offset;
    if (this.seeking) {
      at.scanned = this.scanned;
      at.overlong = this.skipping;
    } else {
      at.scanned = this.offset + (this.shift ? this.shift[1] - this.shift[0] : this.held);
      at.overlong = false;
    }
    return at;
  }
}

/**
 * What a line that is not valid UTF-8 reads as: no JSON text (RFC 8259 requires UTF-8) and no
 * record, so every parser skips and counts it. ccusage drops such a line; decoding it would
 * turn the bad bytes into U+FFFD and let the record count.
 */
export const NOT_UTF8 = '\u0000(not UTF-8)';

/** bytes[start, end) as text, or NOT_UTF8. */
export function lineText(bytes: Buffer, start = 0, end = bytes.length): string {
  return isUtf8(bytes.subarray(start, end)) ? bytes.toString('utf8', start, end) : NOT_UTF8;
}

/**
 * The lines of bytes[0, end), without their line ends (a CR before the newline goes too), each
 * one decoded on its own merits: a line that is not UTF-8 comes back as NOT_UTF8. One decode
 * for the lot when all of it is UTF-8 (nearly always).
 */
export function textLines(bytes: Buffer, end: number): string[] {
  const lines = isUtf8(bytes.subarray(0, end)) ? bytes.toString('utf8', 0, end).split('\n') : eachLine(bytes, end);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.length > 0 && l.charCodeAt(l.length - 1) === 0x0d) lines[i] = l.slice(0, -1); // CRLF
  }
  return lines;
}

function eachLine(bytes: Buffer, end: number): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let nl = bytes.indexOf(NEWLINE, 0); nl !== -1 && nl < end; nl = bytes.indexOf(NEWLINE, start)) {
    lines.push(lineText(bytes, start, nl));
    start = nl + 1;
  }
  lines.push(lineText(bytes, start, end));
  return lines;
}

/** A chunk's lines as strings (textLines: CRLF dropped, a line that is not UTF-8 as NOT_UTF8). */
export function linesOf(c: LineChunk): string[] {
  return textLines(c.buf, c.lastNl);
}

/** An unfinished last line (finish()) as a string, or null when there is none. */
export function lastLineOf(rest: Buffer): string | null {
  return rest.length === 0 ? null : textLines(rest, rest.length)[0];
}
