// The live link to the daemon: Server-Sent Events from /events. A `usage` event carries a new
// snapshot; a `heartbeat` (every second otherwise) says the daemon is alive and still at `seq`.
// EventSource reconnects by itself after a dropped connection; if it gives up (an HTTP error),
// a new one is opened after a pause.
export function connect(base, { onUsage, onAlive, onLost }) {
  let es = null;
  let retry = null;
  let seq = null;

  const parse = (e) => {
    try {
      return JSON.parse(e.data);
    } catch {
      return null;
    }
  };

  /** A heartbeat with a seq we have not seen means a missed update: fetch the snapshot. */
  async function catchUp() {
    try {
      const res = await fetch(`${base}/usage`, { cache: 'no-store' });
      if (res.ok) deliver(await res.json());
    } catch {
      /* the next event or error will tell */
    }
  }

  function deliver(p) {
    if (!p || typeof p !== 'object' || !p.gauges) return;
    seq = p.seq;
    onUsage(p);
  }

  function open() {
    retry = null;
    es = new EventSource(`${base}/events`);
    es.addEventListener('usage', (e) => deliver(parse(e)));
    es.addEventListener('heartbeat', (e) => {
      const hb = parse(e);
      if (hb && hb.seq === seq) onAlive();
      else catchUp();
    });
    es.addEventListener('error', () => {
      onLost();
      if (es.readyState === EventSource.CLOSED && !retry) {
        es.close();
        retry = setTimeout(open, 3000);
      }
    });
  }

  open();
  return {
    close() {
      clearTimeout(retry);
      es?.close();
    },
  };
}
