// A child process that asks a daemon for /usage again and again and times every answer, so the
// test process's own work (building and sending large bodies) does not count in the figures.
// Messages: {start: url} begins, 'mark' starts a new window, 'report' answers the window's latencies.
const windows: number[] = [];
let url: string | null = null;
let stopped = false;

process.on('message', (m: { start?: string } | 'mark' | 'report' | 'stop') => {
  if (typeof m === 'object' && m.start) {
    url = m.start;
    void loop();
  } else if (m === 'mark') windows.length = 0;
  else if (m === 'report') process.send!({ latencies: [...windows] });
  else if (m === 'stop') stopped = true;
});

async function loop(): Promise<void> {
  while (!stopped && url) {
    const t0 = performance.now();
    try {
      const r = await fetch(`${url}/usage`);
      await r.arrayBuffer();
      windows.push(r.ok ? performance.now() - t0 : Infinity);
    } catch {
      windows.push(Infinity);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  process.exit(0);
}
