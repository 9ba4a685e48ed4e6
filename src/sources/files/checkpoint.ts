// How far a file was read, and whether that still holds when it is opened again. The live tailer
// keeps checkpoints in memory, the history ingest in its database (offset and head; the rest of the
// position lives as long as its worker); both decide the same way here.
import { HEAD_BYTES, headChecksum } from './fingerprint.js';
import { START, type LinePosition } from './lines.js';

export interface Checkpoint extends LinePosition {
  /** device:inode of the file read. */
  id: string;
  path: string;
  /** Checksum of the file's first `headLen` bytes (null while it is empty). */
  head: string | null;
  headLen: number;
}

export function newCheckpoint(id: string, path: string, at: LinePosition = START): Checkpoint {
  return { id, path, head: null, headLen: 0, offset: at.offset, scanned: at.scanned, overlong: at.overlong };
}

/** How many bytes of its start reconcile() needs of a file this long. */
export function headWanted(size: number): number {
  return Math.min(size, HEAD_BYTES);
}

/**
 * Brings `cp` up to date with the file now open at its path: `id` and `size` from its fstat, `head`
 * its first headWanted(size) bytes. A different file (another inode), one cut shorter than what
 * was consumed, or one whose first bytes changed is read again from its start.
 * @returns true when reading restarts at 0
 */
export function reconcile(cp: Checkpoint, id: string, size: number, head: Buffer): boolean {
  const changed =
    id !== cp.id ||
    size < cp.offset ||
    (cp.headLen > 0 && (head.length < cp.headLen || headChecksum(head.subarray(0, cp.headLen)) !== cp.head));
  if (changed) Object.assign(cp, { id, head: null, headLen: 0 }, START);
  // An unfinished line cut back (it never had its newline): search it again from its start.
  else if (size < cp.scanned) Object.assign(cp, { scanned: cp.offset, overlong: false });
  if (head.length > cp.headLen) {
    cp.headLen = head.length;
    cp.head = headChecksum(head);
  }
  return changed;
}
