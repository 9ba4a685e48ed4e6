import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, resolveConfig } from './index.js';

const env = (o: Record<string, string>) => ({ CLAUDE_GAUGE_CONFIG: '/nonexistent/claude-gauge.json', ...o });

test('alert settings: off by default; fuel thresholds parsed, sorted and checked; the webhook must be http(s)', () => {
  const d = resolveConfig({}, env({}));
  assert.deepEqual([d.alerts, d.alertDesktop, d.webhookUrl, d.alertFuel, d.alertCooldownMinutes, d.alertMaxPerHour], [false, true, null, [50, 80, 95], 15, 6]);
  const c = resolveConfig({}, env({ CLAUDE_GAUGE_ALERTS: 'on', CLAUDE_GAUGE_ALERT_FUEL: '95, 50,80,50', CLAUDE_GAUGE_WEBHOOK_URL: 'https://hooks.example/x', CLAUDE_GAUGE_ALERT_COOLDOWN_MINUTES: '0.5' }));
  assert.deepEqual([c.alerts, c.alertFuel, c.webhookUrl, c.alertCooldownMinutes], [true, [50, 80, 95], 'https://hooks.example/x', 0.5]);
  assert.throws(() => resolveConfig({}, env({ CLAUDE_GAUGE_ALERT_FUEL: '50,abc' })), (e: Error) => e instanceof ConfigError && /CLAUDE_GAUGE_ALERT_FUEL.*percentages/.test(e.message));
  assert.throws(() => resolveConfig({}, env({ CLAUDE_GAUGE_ALERT_FUEL: '120' })), ConfigError);
  assert.throws(() => resolveConfig({}, env({ CLAUDE_GAUGE_WEBHOOK_URL: 'ftp://x.example/' })), /http\(s\) URL/);
  assert.throws(() => resolveConfig({}, env({ CLAUDE_GAUGE_ALERT_MAX_PER_HOUR: '0' })), /1 or more/);
});
