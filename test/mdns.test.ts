// The daemon announces itself over mDNS so the ESP32 finds it without an address.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Bonjour, type Service } from 'bonjour-service';
import { FIXTURES, isolatedEnv, startServe, tempDir } from './helpers/cli.js';

test('serve on the LAN is found as _claude-gauge._tcp with the device path; a loopback serve is not announced', async () => {
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: FIXTURES, CLAUDE_GAUGE_STATE_DIR: await tempDir('state') });
  const lan = await startServe(env, [], '0.0.0.0');
  const local = await startServe({ ...env, CLAUDE_GAUGE_STATE_DIR: await tempDir('state') });
  const port = Number(new URL(lan.url).port);
  const localPort = Number(new URL(local.url).port);
  const browser = new Bonjour();
  try {
    const seen: Service[] = [];
    const found = await new Promise<Service>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('not announced within 8 s')), 8000);
      browser.find({ type: 'claude-gauge' }, (s: Service) => {
        seen.push(s);
        if (s.port === port) {
          clearTimeout(timer);
          resolve(s);
        }
      });
    });
    assert.equal(found.txt?.path, '/device');
    assert.match(found.name, /^claude-gauge on /);
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(!seen.some((s) => s.port === localPort), 'loopback-only serve stays quiet');
  } finally {
    browser.destroy();
    await lan.stop();
    await local.stop();
  }
});
