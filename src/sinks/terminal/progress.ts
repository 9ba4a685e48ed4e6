// A one-line progress bar on a terminal; silent when output is not a TTY (logs, CI).
export interface Progress {
  update: (done: number, total: number) => void;
  /** Ends the bar's line, so a log line written next starts on its own. */
  interrupt: () => void;
  done: () => void;
}

export function progressBar(out: Pick<NodeJS.WriteStream, 'isTTY' | 'write'>, label: string): Progress | null {
  if (!out.isTTY) return null;
  let shown = false;
  let last = 0;
  const endLine = () => {
    if (shown) out.write('\n');
    shown = false;
  };
  return {
    update(done, total) {
      if (total <= 0) return; // nothing older to read: no bar at all, not a full one
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const width = 30;
      const filled = Math.round((Math.min(done, total) / total) * width);
      out.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} files`);
      shown = true;
    },
    interrupt: endLine,
    done: endLine,
  };
}
