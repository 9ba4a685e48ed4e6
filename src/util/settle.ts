// Work that can wait until a freshly started daemon has answered its first requests.

/**
 * Housekeeping after start-up (starting the history child, loading the tree watcher) holds the
 * daemon's thread for tens of milliseconds: it waits this long, so the requests that arrive the
 * moment the daemon is back (the device reconnecting, the page, a script waiting for the serving
 * line) are answered first.
 */
export const SETTLE_MS = 100;

export const settled = () => new Promise<void>((resolve) => setTimeout(resolve, SETTLE_MS));
