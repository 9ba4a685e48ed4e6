// A one-line progress bar on a terminal; silent when output is not a TTY (logs, CI).
export interface Progress {
  update: (done: number, total: number) => void;
  done: () => void;
}

export function progressBar(out: NodeJS.WriteStream, label: string): Progress | null {
  if (!out.isTTY) return null;
  let shown = false;
  let last = 0;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const width = 30;
      const filled = total > 0 ? Math.round((done / total) * width) : width;
      out.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} files`);
      shown = true;
    },
    done() {
      if (shown) out.write('\n');
      shown = false;
    },
  };
}
