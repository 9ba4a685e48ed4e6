// Starts the hono app on a real socket, with timeouts that cut off slow or stuck clients.
import { serve, type ServerType } from '@hono/node-server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';

export interface Listening {
  server: ServerType;
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
  return new Promise((resolve, reject) => {
    // Node checks the header and request timeouts only every connectionsCheckingInterval (30 s by
    // default): a client trickling its headers a byte at a time would hold a socket that long.
    const serverOptions = { connectionsCheckingInterval: 1_000, headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS };
    const server = serve({ fetch: app.fetch, port, hostname: host, serverOptions }, (info: AddressInfo) => {
      let closing: Promise<void> | null = null;
      resolve({
        server,
        port: info.port,
        host,
        close: () =>
          (closing ??= new Promise<void>((done) => {
            server.close(() => done());
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          })),
      });
    });
    const s = server as import('node:http').Server;
    s.keepAliveTimeout = 5_000;
    const routes = fastRoutes.get(app);
    if (routes) {
      const viaApp = s.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
      s.removeAllListeners('request');
      s.on('request', (req: IncomingMessage, res: ServerResponse) => {
        const fast = req.method === 'GET' && req.url ? routes.get(req.url) : undefined;
        if (!fast) return viaApp.forEach((l) => l(req, res));
        const r = fast();
        res.writeHead(200, { ...r.headers, 'Content-Length': Buffer.byteLength(r.body) });
        res.end(r.body);
      });
    }
    server.once('error', reject);
  });
}
