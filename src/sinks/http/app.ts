// The HTTP surface as a hono app: routes only render the daemon's snapshot.
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import type { Snapshot } from '../../core/snapshot.js';
import { schemaPath } from '../../schema.js';

export interface AppDeps {
  snapshot: () => Snapshot;
  ready: () => boolean;
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const schema = readFileSync(schemaPath(), 'utf8');

  // Set before the handler runs: headers added after it make hono rebuild the response as a stream.
  app.use('*', async (c, next) => {
    c.header('Cache-Control', 'no-store');
    await next();
  });

  // The daemon hands out the same snapshot object until it recomputes (about once a second):
  // serialize it once, not once per request.
  let lastSnap: Snapshot | null = null;
  let lastJson = '';
  const usageJson = () => {
    const snap = deps.snapshot();
    if (snap !== lastSnap) [lastSnap, lastJson] = [snap, JSON.stringify(snap)];
    return lastJson;
  };

  // Aggregates only: open to any origin so dashboards and the virtual cluster can read them.
  app.get('/usage', (c) =>
    c.body(usageJson(), 200, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' }),
  );

  app.get('/healthz', (c) => c.json({ ok: true, ready: deps.ready() }));

  app.get('/schema/usage.json', (c) => c.body(schema, 200, { 'Content-Type': 'application/schema+json' }));

  app.all('/usage', (c) => c.json({ error: 'method_not_allowed', message: 'use GET' }, 405, { Allow: 'GET, HEAD' }));

  app.notFound((c) => c.json({ error: 'not_found', message: `no such path: ${c.req.path}` }, 404));

  app.onError((err, c) => c.json({ error: 'internal', message: err.message }, 500));

  return app;
}
