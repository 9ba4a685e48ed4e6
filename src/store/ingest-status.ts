// How far the durable history has read: what the ingest keeps up to date, the first build's child
// reports into, and /api/summary and /api/ingest show.
export interface IngestStatus {
  files_total: number;
  files_done: number;
  backfilled: boolean;
  /**
   * The responses are in (reports, blocks, token and cost figures answer from the history); while
   * `backfilled` is still false a large first build is reading the same files again for the
   * details (tools, texts, thinking estimates). build-phases.ts.
   */
  responses_in: boolean;
  lines: number;
  skipped_lines: number;
  last_error: string | null;
}

/** Before anything was read. */
export function notStarted(): IngestStatus {
  return { files_total: 0, files_done: 0, backfilled: false, responses_in: false, lines: 0, skipped_lines: 0, last_error: null };
}
