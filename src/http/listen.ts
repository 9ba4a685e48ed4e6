// Starts a hono app on a real socket, with timeouts that cut off slow or stuck clients: shared by
// the inputs that receive over HTTP (the OTLP receiver) and the outputs that serve over it (/usage).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';

export interface Listening {
  server: Server;
  port: number;
  host: string;
  close(): Promise<void>;
}

/** A client has this long to send its request headers (a slowloris is cut off after it, within a second). */
export const HEADERS_TIMEOUT_MS = 5_000;
/** ... and this long for the whole request, body included. */
export const REQUEST_TIMEOUT_MS = 10_000;

export interface FastResponse {
  body: string;
  headers: Record<string, string>;
}

type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

const fastRoutes = new WeakMap<Hono, Map<string, () => FastResponse>>();

/**
 * Answers `GET <path>` (exactly, no query) straight from the socket layer, before the request is
 * turned into a fetch Request and back: /usage is polled by every device and page, and that
 * round trip was most of its cost. The app keeps its own route for everything else (HEAD, queries).
 */
export function fastGet(app: Hono, path: string, respond: () => FastResponse): void {
  const routes = fastRoutes.get(app) ?? new Map<string, () => FastResponse>();
  routes.set(path, respond);
  fastRoutes.set(app, routes);
}

export function listen(app: Hono, port: number, host: string): Promise<Listening> {
  // The adapter from Node requests to fetch Requests (@hono/node-server) brings Node's fetch
  // implementation and HTTP/2 with it: 55-75 ms of the daemon's thread and about 2 MB. It loads on
  // the first request that needs it (the page, /api), never for /usage (a fast route), so a daemon
  // that only feeds a device never loads it; the first page request waits about 20 ms more.
  let adapter: Promise<NodeListener> | null = null;
  const viaApp = () => (adapter ??= import('@hono/node-server').then((m) => m.getRequestListener(app.fetch) as NodeListener));
  const routes = fastRoutes.get(app);
  // Node checks the header and request timeouts only every connectionsCheckingInterval (30 s by
  // default): a client trickling its headers a byte at a time would hold a socket that long.
  const server = createServer({ connectionsCheckingInterval: 1_000, headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS }, (req, res) => {
    const fast = req.method === 'GET' && req.url ? routes?.get(req.url) : undefined;
    if (fast) {
      const r = fast();
      res.writeHead(200, { ...r.headers, 'Content-Length': Buffer.byteLength(r.body) });
      res.end(r.body);
      return;
    }
    viaApp().then(
      (l) => l(req, res),
      (err: Error) => {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: 'internal', message: err.message }));
      },
    );
  });
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    // Kept after listening too: a later server error (no file descriptors left to accept a
    // connection) must not bring the daemon down; the listening socket carries on.
    server.on('error', reject);
    server.listen(port, host, () => {
      let closing: Promise<void> | null = null;
      resolve({
        server,
        port: (server.address() as AddressInfo).port,
        host,
        close: () =>
          (closing ??= new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          })),
      });
    });
  });
}
