// deploy/: what can be checked without a Docker engine. Prometheus's config by the real promtool,
// the dashboard's PromQL against known metric names, the YAML files by a small structural reading.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Engine } from '../src/engine/engine.js';
import { renderMetrics } from '../src/sinks/metrics.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const deploy = (...p: string[]) => path.join(root, 'deploy', ...p);
const read = (...p: string[]) => readFileSync(deploy(...p), 'utf8');
const promtool = spawnSync('promtool', ['--version']).status === 0;
const skip = !promtool && !process.env.CI ? 'promtool missing (apt-get install prometheus)' : false;

/** Claude Code's metrics after the collector's prometheus exporter (FACTS.md, DataSources.md). */
const CLAUDE_CODE_METRICS = [
  'claude_code_token_usage_tokens_total',
  'claude_code_cost_usage_USD_total',
  'claude_code_session_count_total',
  'claude_code_active_time_total_seconds_total',
  'claude_code_lines_of_code_count_total',
  'claude_code_commit_count_total',
  'claude_code_pull_request_count_total',
  'claude_code_code_edit_tool_decision_count_total',
];

/** Every claude_gauge_* name the daemon's /metrics can emit (the renderer is the source of truth). */
function ourMetrics(): string[] {
  const e = new Engine({ ceiling: 'auto', defaultCeiling: 1, redline: 1, stallMinutes: 5, abandonMinutes: 60, cacheFloor: 0.5, keepAllTicks: false });
  e.apply({ kind: 'response', key: 'k', at: 1000, model: 'claude-opus-4-6', session: 's', tokens: { input: 1, output: 1, cacheRead: 1, cacheCreation: 1 }, thinkingReported: null, visibleChars: 0, synthetic: false, sidechain: false, speed: false });
  e.apply({ kind: 'limits', at: 1000, fiveHour: { usedPercentage: 1, resetsAt: 1e13 }, sevenDay: { usedPercentage: 1, resetsAt: 1e13 } });
  const text = renderMetrics({ snapshot: e.snapshot(2000), version: 'x' });
  return [...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]);
}

test('prometheus.yml passes the real promtool check config', { skip }, () => {
  const r = spawnSync('promtool', ['check', 'config', deploy('prometheus.yml')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(read('prometheus.yml'), /claude-gauge:8080/);
});

test('every dashboard panel queries PromQL over metric names that exist', () => {
  const dash = JSON.parse(read('grafana', 'dashboards', 'claude-code.json'));
  const known = new Set([...CLAUDE_CODE_METRICS, ...ourMetrics()]);
  assert.ok(known.has('claude_gauge_window_5h_ratio') && known.has('claude_gauge_lamp'));
  assert.ok(dash.uid && dash.title && Array.isArray(dash.panels) && dash.panels.length >= 10);
  const used = new Set<string>();
  const ids = new Set<number>();
  for (const p of dash.panels) {
    assert.ok(!ids.has(p.id), `panel id ${p.id} twice`);
    ids.add(p.id);
    assert.equal(p.datasource?.type, 'prometheus', p.title);
    assert.ok(p.targets?.length > 0, `${p.title}: no targets`);
    for (const t of p.targets) {
      assert.equal(typeof t.expr, 'string', p.title);
      assert.ok(balanced(t.expr), `${p.title}: unbalanced ${t.expr}`);
      const names = t.expr.match(/\bclaude_(?:code|gauge)_[A-Za-z0-9_]+/g) ?? [];
      assert.ok(names.length > 0, `${p.title}: no metric in ${t.expr}`);
      for (const n of names) {
        assert.ok(known.has(n), `${p.title}: unknown metric ${n}`);
        used.add(n);
      }
    }
  }
  // the brief's panels: cost, tokens, cache, sessions, lines, commits, edit decisions, the 5-hour picture
  for (const n of CLAUDE_CODE_METRICS.filter((n) => n !== 'claude_code_active_time_total_seconds_total')) assert.ok(used.has(n), `no panel uses ${n}`);
  assert.ok(used.has('claude_gauge_window_5h_ratio'));
  const exprs = dash.panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr)).join('\n');
  assert.match(exprs, /by \(model\)/);
  assert.match(exprs, /by \(user_email\)/);
  assert.match(exprs, /by \(host_name\)/);
});

test('the dashboard\'s queries parse as PromQL (promtool, via a rules file)', { skip }, () => {
  const dash = JSON.parse(read('grafana', 'dashboards', 'claude-code.json'));
  const rules = dash.panels.flatMap((p: { targets: { expr: string }[] }, i: number) => p.targets.map((t, j) => `      - record: panel_${i}_${j}\n        expr: ${JSON.stringify(t.expr)}\n`));
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'cg-deploy-')), 'dashboard-rules.yml');
  writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('')}`);
  const r = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('the collector sends metrics to Prometheus and logs to the daemon\'s receiver', () => {
  const y = read('otel-collector-config.yaml');
  const section = (name: string) => topLevel(y, name);
  assert.match(section('receivers'), /otlp:[\s\S]*http:\s*\n\s*endpoint: 0\.0\.0\.0:4318/);
  assert.match(section('exporters'), /prometheus:\s*\n\s*endpoint: 0\.0\.0\.0:8889/);
  assert.match(section('exporters'), /otlphttp\/claude-gauge:\s*\n\s*endpoint: http:\/\/claude-gauge:4318/);
  const svc = section('service');
  assert.match(svc, /metrics:\s*\n\s*receivers: \[otlp\]\s*\n\s*processors: \[memory_limiter, batch\]\s*\n\s*exporters: \[prometheus\]/);
  assert.match(svc, /logs:\s*\n\s*receivers: \[otlp\]\s*\n\s*processors: \[memory_limiter, batch\]\s*\n\s*exporters: \[otlphttp\/claude-gauge\]/);
  // every processor and exporter a pipeline names is defined
  for (const [, list, sec] of [...svc.matchAll(/(?:processors|exporters): \[([^\]]*)\]/g)].map((m) => [m[0], m[1], m[0].split(':')[0]])) {
    for (const n of list.split(',').map((s) => s.trim())) assert.match(section(sec), new RegExp(`^  ${n.replace('/', '\\/')}:`, 'm'), `${n} not defined under ${sec}`);
  }
  assert.ok(!/\t/.test(y), 'no tabs in YAML');
});

test('compose runs the four services, the daemon built from this repo on the OTLP source', () => {
  const y = read('docker-compose.yml');
  const services = [...topLevel(y, 'services').matchAll(/^ {2}([a-z-]+):$/gm)].map((m) => m[1]);
  assert.deepEqual(services.sort(), ['claude-gauge', 'grafana', 'otel-collector', 'prometheus']);
  assert.match(y, /dockerfile: deploy\/Dockerfile/);
  assert.match(y, /\.\/grafana\/provisioning:\/etc\/grafana\/provisioning/);
  const df = read('Dockerfile');
  assert.match(df, /--source", "otlp", "--otlp-host", "0\.0\.0\.0"/);
  assert.match(read('grafana', 'provisioning', 'datasources', 'prometheus.yml'), /uid: prometheus\s*\n[\s\S]*url: http:\/\/prometheus:9090/);
  assert.match(read('grafana', 'provisioning', 'dashboards', 'claude-gauge.yml'), /path: \/var\/lib\/grafana\/dashboards/);
  for (const f of ['docker-compose.yml', 'otel-collector-config.yaml', 'prometheus.yml']) assert.ok(!/\t/.test(read(f)), `${f}: tabs`);
});

/** The lines under a top-level YAML key, up to the next one. */
function topLevel(y: string, key: string): string {
  const m = new RegExp(`^${key}:\\s*\\n((?:[ #].*\\n|\\s*\\n)*)`, 'm').exec(y);
  assert.ok(m, `no top-level ${key}:`);
  return m[1];
}

function balanced(s: string): boolean {
  let depth = 0;
  for (const ch of s.replace(/"[^"]*"/g, '')) {
    if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch) && --depth < 0) return false;
  }
  return depth === 0;
}
