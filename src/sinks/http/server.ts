// Starts the hono app on a real socket, with timeouts that cut off slow or stuck clients.
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';

export interface Listening {
  server: ServerType;
  port: number;
  host: string;
  close(): Promise<void>;
}

export function listen(app: Hono, port: number, host: string): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }, (info: AddressInfo) => {
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
    s.headersTimeout = 10_000;
    s.requestTimeout = 10_000;
    s.keepAliveTimeout = 5_000;
    server.once('error', reject);
  });
}
