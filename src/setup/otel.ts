// `claude-gauge setup otel`: the exact "env" block for Claude Code's settings.json, printed, or
// merged into the file with --write (the user's other env entries kept, a backup made).
import { backupFile, readSettings, writeSettings } from './settings.js';

export type OtelTarget = 'otlp' | 'collector';
/** What Claude Code's exporters speak; both reach the daemon and the collector. */
export type OtelProtocol = 'http/protobuf' | 'grpc';
export const OTEL_PROTOCOLS: readonly OtelProtocol[] = ['http/protobuf', 'grpc'];

export interface OtelSetupOptions {
  to: OtelTarget;
  /** Receiver or collector base URL; defaults: the daemon on loopback, or a local collector. */
  endpoint?: string;
  /** http/protobuf (the default) or grpc. */
  protocol?: OtelProtocol;
  /** Added as OTEL_RESOURCE_ATTRIBUTES host.name, so dashboards can split by machine. */
  host?: string;
}

export const DEFAULT_ENDPOINTS: Record<OtelProtocol, Record<OtelTarget, string>> = {
  'http/protobuf': { otlp: 'http://127.0.0.1:4318', collector: 'http://localhost:4318' },
  grpc: { otlp: 'http://127.0.0.1:4317', collector: 'http://localhost:4317' },
};

export function otelEnv(o: OtelSetupOptions): Record<string, string> {
  const protocol = o.protocol ?? 'http/protobuf';
  const endpoint = (o.endpoint ?? DEFAULT_ENDPOINTS[protocol][o.to]).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+/.test(endpoint)) throw new Error(`endpoint must be an http(s) URL, not ${JSON.stringify(endpoint)}`);
  const env: Record<string, string> = {
    CLAUDE_CODE_ENABLE_TELEMETRY: '1',
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'otlp',
    // No default in Claude Code: it must be set. Both paths accept either.
    OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
  };
  if (o.to === 'otlp') {
    // api_request events drive the tach: send them each second (default 5 s) to a local receiver.
    env.OTEL_LOGS_EXPORT_INTERVAL = '1000';
  } else {
    env.OTEL_METRIC_EXPORT_INTERVAL = '10000';
    // With session ids every new session's first sample is lost to increase(); deltas (the default) sum correctly without them.
    env.OTEL_METRICS_INCLUDE_SESSION_ID = 'false';
  }
  if (o.host) env.OTEL_RESOURCE_ATTRIBUTES = `host.name=${encodeURIComponent(o.host)}`;
  return env;
}

/** What `setup otel` prints: the block to merge, and where it goes. */
export function otelSetupText(o: OtelSetupOptions & { settingsPath: string }): string {
  const block = JSON.stringify({ env: otelEnv(o) }, null, 2);
  const where = o.to === 'otlp'
    ? 'Claude Code then sends its telemetry straight to the daemon (run: claude-gauge serve --source otlp).'
    : [
        'Claude Code then sends its telemetry to the OpenTelemetry collector (deploy/docker-compose.yml), which Prometheus scrapes.',
        'Point the daemon at Prometheus: claude-gauge serve --source prometheus --prometheus-url http://<prometheus>:9090',
        "For several machines, run this with --endpoint http://<collector>:4318 --host <name> on each; the daemon shows the sum, or one machine with --prometheus-selector 'host_name=\"<name>\"'.",
      ].join('\n');
  return `Merge this into ${o.settingsPath} (keep your other settings; --write does it for you), then restart Claude Code:\n\n${block}\n\n${where}\n${protocolNote(o)}\n`;
}

/** Which protocol the block uses, and the other one: both work; HTTP stays the default. */
function protocolNote(o: OtelSetupOptions): string {
  const other = o.to === 'otlp' ? 'the daemon receives both (OTLP/HTTP on 4318, OTLP/gRPC on 4317)' : 'the collector receives both (4318 HTTP, 4317 gRPC)';
  if (o.protocol === 'grpc') return `This block uses OTLP/gRPC; ${other}. Without --protocol grpc you get http/protobuf, the default.`;
  return `This block uses OTLP/HTTP (http/protobuf), the default (no gain from gRPC at a few exports a minute, and its answers can be checked with curl). ${other[0].toUpperCase()}${other.slice(1)}; for gRPC: claude-gauge setup otel --protocol grpc`;
}

/** Merges the block into the settings file's "env"; returns the backup made (null: there was no file) and whether anything changed. */
export async function writeOtel(o: OtelSetupOptions & { settingsPath: string }): Promise<{ changed: boolean; backup: string | null }> {
  const settings = await readSettings(o.settingsPath);
  const current = settings.env && typeof settings.env === 'object' && !Array.isArray(settings.env) ? (settings.env as Record<string, unknown>) : {};
  const env = { ...current, ...otelEnv(o) };
  if (JSON.stringify(env) === JSON.stringify(current)) return { changed: false, backup: null };
  const backup = await backupFile(o.settingsPath);
  await writeSettings(o.settingsPath, { ...settings, env });
  return { changed: true, backup };
}
