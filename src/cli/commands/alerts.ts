import { defineCommand } from 'citty';
import { resolveConfig } from '../../config/index.js';
import { alertsFromConfig } from '../../sinks/alerts/index.js';
import { fail } from '../fail.js';

const testCmd = defineCommand({
  meta: { name: 'test', description: 'Send one test alert through the configured channels (desktop, webhook)' },
  async run() {
    const config = resolveConfig({});
    const problems: string[] = [];
    // Alerts may be off in the settings; the test still shows what they would do.
    const sink = alertsFromConfig({ ...config, alerts: true }, (m) => problems.push(m), [500, 1500]);
    if (!sink) return fail('alerts could not be set up', 1);
    const channels = [config.alertDesktop ? 'desktop' : null, config.webhookUrl ? `webhook ${config.webhookUrl}` : null].filter(Boolean);
    if (channels.length === 0) return fail('no channel configured: set CLAUDE_GAUGE_WEBHOOK_URL or CLAUDE_GAUGE_ALERT_DESKTOP=on', 2);
    sink.send({ kind: 'test', key: 'test', title: 'claude-gauge: test alert', message: 'alerts reach you here', at: Date.now() });
    await sink.idle();
    for (const p of problems) process.stderr.write(`claude-gauge: ${p}\n`);
    if (problems.length > 0) return fail('the test alert did not get through everywhere', 1);
    console.log(`test alert sent: ${channels.join(', ')}${config.alerts ? '' : ' (alerts are off: CLAUDE_GAUGE_ALERTS=on turns them on for serve)'}`);
  },
});

export default defineCommand({
  meta: { name: 'alerts', description: 'Desktop and webhook alerts sent by serve' },
  subCommands: { test: testCmd },
});
