// Node reports system failures as errors with a `code` (ENOENT, EACCES, ERR_WORKER_OUT_OF_MEMORY);
// anything may be thrown, so the code is read without trusting the shape.

/** The error's code, or undefined when it has none (or is not an error at all). */
export function errorCode(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** For a one-line message: the code when there is one (terse and searchable), else the message. */
export function errorText(err: unknown): string {
  return errorCode(err) ?? (err instanceof Error ? err.message : String(err));
}
