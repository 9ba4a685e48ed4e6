// `setup otel`: the settings block for each path.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { otelEnv, otelSetupText } from '../src/setup/otel.js';
import { isolatedEnv, runCli, tempDir } from './helpers/cli.js';

test('--to otlp points Claude Code at the daemon\'s loopback receiver', () => {
  assert.deepEqual(otelEnv({ to: 'otlp' }), {
    CLAUDE_CODE_ENABLE_TELEMETRY: '1',
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
    OTEL_LOGS_EXPORT_INTERVAL: '1000',
  });
});

test('--to collector drops session ids and tags the host', () => {
  const env = otelEnv({ to: 'collector', endpoint: 'http://collector.lan:4318/', host: 'my box,1' });
  assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://collector.lan:4318');
  assert.equal(env.OTEL_METRICS_INCLUDE_SESSION_ID, 'false');
  assert.equal(env.OTEL_METRIC_EXPORT_INTERVAL, '10000');
  assert.equal(env.OTEL_RESOURCE_ATTRIBUTES, 'host.name=my%20box%2C1');
  assert.equal(env.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/protobuf');
});

test('the printed text holds a valid settings.json "env" block', () => {
  const text = otelSetupText({ to: 'otlp', settingsPath: '/x/settings.json' });
  const json = JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1));
  assert.deepEqual(Object.keys(json), ['env']);
  assert.equal(json.env.CLAUDE_CODE_ENABLE_TELEMETRY, '1');
  assert.match(text, /serve --source otlp/);
  assert.throws(() => otelEnv({ to: 'otlp', endpoint: 'localhost:4318' }), /http\(s\) URL/);
});

test('--to collector says how to point the daemon at Prometheus and how to add machines', () => {
  const text = otelSetupText({ to: 'collector', settingsPath: '/x/settings.json' });
  assert.match(text, /claude-gauge serve --source prometheus --prometheus-url/);
  assert.match(text, /--prometheus-selector 'host_name="<name>"'/);
  assert.doesNotMatch(otelSetupText({ to: 'otlp', settingsPath: '/x/settings.json' }), /--source prometheus/);
});

test('setup otel names the settings file of CLAUDE_CONFIG_DIR, and --write merges the block there keeping the rest', async () => {
  const dir = await tempDir('otel-settings');
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: dir, HOME: await tempDir('otel-home') });
  const file = path.join(dir, 'settings.json');
  const shown = await runCli(['setup', 'otel'], { env });
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, new RegExp(`Merge this into ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `));
  await fs.writeFile(file, JSON.stringify({ model: 'opus', env: { MY_VAR: 'kept', OTEL_LOGS_EXPORTER: 'none' } }));
  const w = await runCli(['setup', 'otel', '--write'], { env });
  assert.equal(w.code, 0, w.stderr);
  const after = JSON.parse(await fs.readFile(file, 'utf8'));
  assert.equal(after.model, 'opus');
  assert.equal(after.env.MY_VAR, 'kept');
  assert.equal(after.env.OTEL_LOGS_EXPORTER, 'otlp');
  assert.equal(after.env.CLAUDE_CODE_ENABLE_TELEMETRY, '1');
  const again = await runCli(['setup', 'otel', '--write'], { env });
  assert.match(again.stdout, /already set/);
  assert.equal((await fs.readdir(dir)).filter((n) => n.endsWith('.bak')).length, 1, 'one backup, from the one change');
});
