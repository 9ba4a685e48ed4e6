// Flags shared by the commands that compute gauges; each maps to a setting in config/.
import type { ArgsDef } from 'citty';
import { resolveConfig, type Config } from '../config/index.js';

export const gaugeArgs = {
  ceiling: { type: 'string', description: 'tokens for a full 5-hour tank, or auto (env CLAUDE_GAUGE_5H_CEILING)' },
  redline: { type: 'string', description: 'tach redline in tokens/min (env CLAUDE_GAUGE_TACH_REDLINE)' },
  'stall-minutes': { type: 'string', description: 'silent minutes before STALL (env CLAUDE_GAUGE_STALL_MINUTES)' },
  'cache-floor': { type: 'string', description: 'WARN below this cache hit rate, 0-1 (env CLAUDE_GAUGE_CACHE_FLOOR)' },
} satisfies ArgsDef;

export const serverArgs = {
  port: { type: 'string', description: 'HTTP port (default 8080; env CLAUDE_GAUGE_PORT)' },
  host: { type: 'string', description: 'listen address (default 0.0.0.0; env CLAUDE_GAUGE_HOST)' },
  mdns: { type: 'string', description: 'announce on the LAN over mDNS: on or off (default on; env CLAUDE_GAUGE_MDNS)' },
  history: { type: 'string', description: 'keep the durable history behind /stats: on or off (default on; env CLAUDE_GAUGE_HISTORY)' },
  source: { type: 'string', description: 'transcripts (default), otlp (receive Claude Code telemetry over OTLP/HTTP), prometheus, or ccusage (env CLAUDE_GAUGE_SOURCE)' },
  fuel: { type: 'string', description: 'who counts the 5-hour window: source (default), ccusage or prometheus (env CLAUDE_GAUGE_FUEL)' },
  'prometheus-url': { type: 'string', description: 'Prometheus server (default http://127.0.0.1:9090; env CLAUDE_GAUGE_PROMETHEUS_URL)' },
  'prometheus-selector': { type: 'string', description: 'PromQL label matchers for one host or user (env CLAUDE_GAUGE_PROMETHEUS_SELECTOR)' },
  'otlp-host': { type: 'string', description: 'OTLP receiver address (default 127.0.0.1; env CLAUDE_GAUGE_OTLP_HOST)' },
  'otlp-port': { type: 'string', description: 'OTLP receiver port (default 4318; env CLAUDE_GAUGE_OTLP_PORT)' },
  'otlp-grpc-port': { type: 'string', description: 'OTLP/gRPC receiver port, or off (default 4317; env CLAUDE_GAUGE_OTLP_GRPC_PORT)' },
} satisfies ArgsDef;

export function configFrom(args: Record<string, unknown>): Config {
  return resolveConfig(args as Record<string, string | undefined>);
}

/** The source's problems on stderr, one line each: a snapshot alone shows STALL without saying why. */
export function tellProblems(problems: readonly string[]): void {
  for (const p of problems) process.stderr.write(`claude-gauge: problem: ${p}\n`);
}
