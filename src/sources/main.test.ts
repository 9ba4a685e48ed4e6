// The main source the configuration names, behind one interface: each says where its readings
// come from, and only the transcripts have a backfill to wait for.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { resolveConfig } from '../config/index.js';
import type { ResponseEvent, TurnEvent } from '../core/events.js';
import { FIXTURES, tempDir } from '../../test/helpers/cli.js';
import { makeMainSource, mainSourceKind, type MainSourceOptions } from './main.js';

async function config(env: Record<string, string>) {
  const home = await tempDir('main-home');
  return resolveConfig({}, { HOME: home, CLAUDE_GAUGE_CONFIG: path.join(home, 'none.json'), CLAUDE_GAUGE_STATE_DIR: await tempDir('main-state'), CLAUDE_CONFIG_DIR: FIXTURES, ...env });
}

function options(events: (ResponseEvent | TurnEvent)[]): MainSourceOptions {
  return { emit: (e) => events.push(e), onBatch: () => {}, horizon: () => null, usageOnlyBefore: () => 0, liveSince: () => 0 };
}

test('the configured source is the one built; ccusage reads the transcripts', async () => {
  for (const [source, kind] of [['transcripts', 'transcripts'], ['ccusage', 'transcripts'], ['otlp', 'otlp'], ['prometheus', 'prometheus']] as const) {
    const c = await config({ CLAUDE_GAUGE_SOURCE: source });
    assert.equal(mainSourceKind(c), kind);
    const s = makeMainSource(c, options([]));
    assert.equal(s.kind, kind);
    assert.equal(s.health().kind, kind, `${source}: health before start names the source`);
    await s.close(); // before start: nothing to close, no error
  }
});

test('otlp and prometheus have no backfill: waiting on it ends at once, started or not', async () => {
  const c = await config({ CLAUDE_GAUGE_SOURCE: 'otlp', CLAUDE_GAUGE_OTLP_PORT: '0' });
  const otlp = makeMainSource(c, options([]));
  await otlp.whenBackfilled();
  assert.equal(otlp.describe(), `receiving OpenTelemetry on http://127.0.0.1:0/v1/logs and /v1/metrics`);
  await otlp.start(); // a real receiver on a free port
  try {
    assert.equal(otlp.health().kind, 'otlp');
    assert.equal(otlp.health().backfill.done, true);
    await otlp.whenBackfilled();
  } finally {
    await otlp.close();
    await otlp.close();
  }
  const prom = makeMainSource(await config({ CLAUDE_GAUGE_SOURCE: 'prometheus', CLAUDE_GAUGE_PROMETHEUS_URL: 'http://127.0.0.1:9' }), options([]));
  await prom.whenBackfilled();
  assert.equal(prom.describe(), 'reading http://127.0.0.1:9 every 2 s (every machine)');
  const picked = makeMainSource(await config({ CLAUDE_GAUGE_SOURCE: 'prometheus', CLAUDE_GAUGE_PROMETHEUS_SELECTOR: 'host="a"' }), options([]));
  assert.equal(picked.describe(), 'reading http://127.0.0.1:9090 every 2 s (host="a")');
});

test('the transcripts: the banner names the folder and its files, and the backfill ends with every file read', async () => {
  const events: (ResponseEvent | TurnEvent)[] = [];
  const s = makeMainSource(await config({ CLAUDE_GAUGE_SOURCE: 'transcripts', CLAUDE_GAUGE_RESCAN_SECONDS: '0' }), options(events));
  await s.start();
  try {
    await s.whenBackfilled();
    const h = s.health();
    assert.equal(h.backfill.done, true);
    assert.ok(h.files > 0 && events.length > 0, `read ${h.files} files, ${events.length} events`);
    assert.equal(s.describe(), `reading ${path.join(FIXTURES, 'projects')}: ${h.files} files, ${h.backfill.files_total} older in the background`);
  } finally {
    await s.close();
  }
});
