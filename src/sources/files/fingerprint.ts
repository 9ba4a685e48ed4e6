// Which file is this? Its device and inode say so while it exists; a checksum of its first bytes
// tells a file replaced in place (or an inode reused after a deletion) from one that only grew.
// Vector's file source fingerprints the same two ways.
import { createHash } from 'node:crypto';

/** Bytes of a file's start its head checksum covers (all of a shorter file). */
export const HEAD_BYTES = 256;

/** device:inode, so a renamed file is still the same file. */
export function fileId(st: { dev: number | bigint; ino: number | bigint }): string {
  return `${st.dev}:${st.ino}`;
}

/** Where a stat's numbers may not be exact: inode numbers above 2^53 exist (btrfs, NTFS file ids). */
export function inexactId(st: { dev: number; ino: number }): boolean {
  // A double that large is itself at least 2^53, so the test is exact.
  return st.ino > Number.MAX_SAFE_INTEGER || st.dev > Number.MAX_SAFE_INTEGER;
}

export function headChecksum(head: Buffer): string {
  return createHash('sha1').update(head).digest('hex');
}
