// Options resolved once: flags, then environment, then the config file, then defaults.
// A bad value stops the program with one line naming the setting (exit 2).
import { z } from 'zod';
import { selectorProblem } from './prometheus-selector.js';
import { claudeConfigDirs } from './claude-dirs.js';
import { DEFAULT_FORMAT, FORMAT_ENV, FORMAT_FILE_KEY, parseFormat, type SegmentName } from './statusline-format.js';
import { configFile, stateDir } from '../util/paths.js';
import { NotAFileError, readStateFileSync } from '../util/state-file.js';
import { errorText } from '../util/errno.js';

export class ConfigError extends Error {}

export interface Config {
  port: number;
  host: string;
  ceiling: number | 'auto';
  defaultCeiling: number;
  redline: number;
  stallMinutes: number;
  /** Not a setting: `demo` alone shortens IDLE's quiet minute so a short script can show it. */
  idleSeconds?: number;
  abandonMinutes: number;
  cacheFloor: number;
  /** IANA zone of "today" (cost_today_usd); null: this machine's. */
  timezone: string | null;
  contextWindow: number | 'auto';
  contextWarn: number;
  rescanSeconds: number;
  mdns: boolean;
  history: boolean;
  token: string | null;
  source: 'transcripts' | 'otlp' | 'prometheus' | 'ccusage';
  fuel: 'source' | 'ccusage' | 'prometheus';
  prometheusUrl: string;
  prometheusSelector: string;
  ccusageCommand: string;
  otlpHost: string;
  otlpPort: number;
  /** 0: no OTLP/gRPC receiver. */
  otlpGrpcPort: number;
  alerts: boolean;
  alertDesktop: boolean;
  webhookUrl: string | null;
  /** Fuel percentages (0-100) that send an alert when crossed upwards. */
  alertFuel: number[];
  alertCooldownMinutes: number;
  alertMaxPerHour: number;
  /** The statusline's segments, in order (`claude-gauge statusline` also takes `--format`). */
  statuslineFormat: SegmentName[];
  configDirs: string[];
  configDirsFrom: 'env' | 'default';
  stateDir: string;
  configFile: string;
}

interface Setting<T> {
  key: keyof Config;
  env: string;
  file: string;
  flag?: string;
  schema: z.ZodType<T, z.ZodTypeDef, unknown>;
  fallback: T;
  help: string;
}

function knownZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const positive = z.coerce.number({ invalid_type_error: 'must be a number' }).finite('must be a finite number').positive('must be greater than 0');
const fraction = z.coerce.number({ invalid_type_error: 'must be a number' }).min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
const onOff = z.union([z.boolean(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'boolean') return v;
  const word = v.toLowerCase();
  if (['on', 'true', '1', 'yes'].includes(word)) return true;
  if (['off', 'false', '0', 'no'].includes(word)) return false;
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be on or off' });
  return z.NEVER;
});
const port = z.coerce.number().int('must be a whole number').min(0, 'must be 0-65535').max(65535, 'must be 0-65535');
/** A port, or `off` (the same as 0): for a listener that may be left out. */
const portOrOff = z.preprocess((v) => (typeof v === 'string' && v.toLowerCase() === 'off' ? 0 : v), port);

const percentList = z.union([z.array(z.unknown()), z.string()]).transform((v, ctx) => {
  const items = typeof v === 'string' ? (v.trim() === '' ? [] : v.split(',')) : v;
  const out: number[] = [];
  for (const item of items) {
    const n = typeof item === 'number' ? item : Number(String(item).trim());
    if (!Number.isFinite(n) || n <= 0 || n > 100) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be percentages between 0 and 100, comma-separated (e.g. 50,80,95)' });
      return z.NEVER;
    }
    out.push(n);
  }
  return [...new Set(out)].sort((a, b) => a - b);
});
const statuslineFormat = z.unknown().transform((v, ctx) => {
  const r = parseFormat(v);
  if ('segments' in r) return r.segments;
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: r.problem });
  return z.NEVER;
});
const webhook = z.string().url('must be an http(s) URL').refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL').nullable();

/** Every setting, with its environment variable and config-file key: the README's table comes from here. */
export const SETTINGS: Setting<unknown>[] = [
  { key: 'port', env: 'CLAUDE_GAUGE_PORT', file: 'port', flag: 'port', schema: port, fallback: 8080, help: 'HTTP port of `serve`' },
  { key: 'host', env: 'CLAUDE_GAUGE_HOST', file: 'host', flag: 'host', schema: z.string().min(1, 'must not be empty'), fallback: '0.0.0.0', help: 'address `serve` listens on (0.0.0.0: the LAN, so the ESP32 can reach it; 127.0.0.1: this machine only)' },
  {
    key: 'ceiling', env: 'CLAUDE_GAUGE_5H_CEILING', file: 'ceiling5h', flag: 'ceiling',
    schema: z.union([z.literal('auto'), positive]), fallback: 'auto',
    help: "tokens that count as 100 % on the 5H PLAN gauge; `auto` = the largest finished 5-hour block in your history",
  },
  { key: 'defaultCeiling', env: 'CLAUDE_GAUGE_5H_CEILING_DEFAULT', file: 'ceiling5hDefault', schema: positive, fallback: 50_000_000, help: 'ceiling used by `auto` until a finished block exists' },
  { key: 'redline', env: 'CLAUDE_GAUGE_TACH_REDLINE', file: 'tachRedline', flag: 'redline', schema: positive, fallback: 1_000_000, help: 'tokens/min at the tach redline (HOT above it)' },
  { key: 'stallMinutes', env: 'CLAUDE_GAUGE_STALL_MINUTES', file: 'stallMinutes', flag: 'stall-minutes', schema: positive, fallback: 5, help: 'minutes a turn may stay silent before STALL lights' },
  { key: 'abandonMinutes', env: 'CLAUDE_GAUGE_ABANDON_MINUTES', file: 'abandonMinutes', schema: positive, fallback: 60, help: 'a turn silent longer than this is taken as abandoned (Claude Code closed mid-turn): STALL goes out' },
  { key: 'cacheFloor', env: 'CLAUDE_GAUGE_CACHE_FLOOR', file: 'cacheFloor', flag: 'cache-floor', schema: fraction, fallback: 0.5, help: 'WARN when the 5-minute cache hit rate is below this while active (0-1)' },
  {
    key: 'timezone', env: 'CLAUDE_GAUGE_TIMEZONE', file: 'timezone',
    schema: z.string().refine(knownZone, 'must be an IANA time zone such as Europe/Berlin').nullable(), fallback: null,
    help: 'time zone whose midnight starts "today" for the cost figures (default: this machine\'s)',
  },
  {
    key: 'contextWindow', env: 'CLAUDE_GAUGE_CONTEXT_WINDOW', file: 'contextWindow',
    schema: z.union([z.literal('auto'), positive]), fallback: 'auto',
    help: 'context window in tokens for context_pct; `auto` = 1M where the model id says [1m] or a request went past 200k, else 200k',
  },
  { key: 'contextWarn', env: 'CLAUDE_GAUGE_CONTEXT_WARN', file: 'contextWarn', schema: fraction, fallback: 0.8, help: 'context_warn from this share of the context window (0-1)' },
  {
    key: 'mdns', env: 'CLAUDE_GAUGE_MDNS', file: 'mdns', flag: 'mdns',
    schema: onOff,
    fallback: true,
    help: 'announce the daemon on the LAN over mDNS (_claude-gauge._tcp) so the cluster finds it; never for a loopback-only host',
  },
  {
    key: 'history', env: 'CLAUDE_GAUGE_HISTORY', file: 'history', flag: 'history',
    schema: onOff,
    fallback: true,
    help: 'keep the durable history behind /stats (a SQLite file in the state folder); off: gauges only',
  },
  {
    key: 'token', env: 'CLAUDE_GAUGE_TOKEN', file: 'token',
    schema: z.string().min(16, 'must be at least 16 characters').nullable(), fallback: null,
    help: 'access token that opens /stats, /api/* and /mcp to other machines (Authorization: Bearer or ?token=); without it they answer on loopback only',
  },
  {
    key: 'source', env: 'CLAUDE_GAUGE_SOURCE', file: 'source', flag: 'source',
    schema: z.enum(['transcripts', 'otlp', 'prometheus', 'ccusage'], { errorMap: () => ({ message: 'must be transcripts, otlp, prometheus or ccusage' }) }),
    fallback: 'transcripts',
    help: "where usage comes from: Claude Code's transcripts; its OpenTelemetry export received over OTLP/HTTP; a Prometheus server fed by the OpenTelemetry collector; or `ccusage` (the 5-hour window from `ccusage blocks --active`, everything else from the transcripts)",
  },
  {
    key: 'fuel', env: 'CLAUDE_GAUGE_FUEL', file: 'fuel', flag: 'fuel',
    schema: z.enum(['source', 'ccusage', 'prometheus'], { errorMap: () => ({ message: 'must be source, ccusage or prometheus' }) }),
    fallback: 'source',
    help: 'who counts the 5-hour window (the 5H PLAN gauge): the main source itself, or ccusage / Prometheus while the tach and lamps stay on the main source (hybrid); a fresh statusline figure wins over all of them',
  },
  { key: 'prometheusUrl', env: 'CLAUDE_GAUGE_PROMETHEUS_URL', file: 'prometheusUrl', flag: 'prometheus-url', schema: z.string().url('must be a URL such as http://127.0.0.1:9090'), fallback: 'http://127.0.0.1:9090', help: 'Prometheus server for `--source prometheus` and `--fuel prometheus`' },
  { key: 'prometheusSelector', env: 'CLAUDE_GAUGE_PROMETHEUS_SELECTOR', file: 'prometheusSelector', flag: 'prometheus-selector', schema: z.string().superRefine((v, ctx) => {
      const why = selectorProblem(v);
      if (why) ctx.addIssue({ code: z.ZodIssueCode.custom, message: why });
    }), fallback: '', help: 'PromQL label matchers that pick one host or user, e.g. `host_name="studio"`; empty: the sum of every machine' },
  { key: 'ccusageCommand', env: 'CLAUDE_GAUGE_CCUSAGE', file: 'ccusage', schema: z.string().min(1, 'must not be empty'), fallback: 'ccusage', help: 'the ccusage command for `--source ccusage` / `--fuel ccusage` (a path, or a name on PATH)' },
  { key: 'otlpHost', env: 'CLAUDE_GAUGE_OTLP_HOST', file: 'otlpHost', flag: 'otlp-host', schema: z.string().min(1, 'must not be empty'), fallback: '127.0.0.1', help: 'address the OTLP receiver listens on (loopback by default: telemetry carries user e-mail and account ids)' },
  { key: 'otlpPort', env: 'CLAUDE_GAUGE_OTLP_PORT', file: 'otlpPort', flag: 'otlp-port', schema: port, fallback: 4318, help: 'port of the OTLP/HTTP receiver (POST /v1/logs, /v1/metrics)' },
  { key: 'otlpGrpcPort', env: 'CLAUDE_GAUGE_OTLP_GRPC_PORT', file: 'otlpGrpcPort', flag: 'otlp-grpc-port', schema: portOrOff, fallback: 4317, help: 'port of the OTLP/gRPC receiver beside it, on the same address (0 or off: none); a port already taken is reported in source.problems, the HTTP receiver serves on' },
  { key: 'alerts', env: 'CLAUDE_GAUGE_ALERTS', file: 'alerts', schema: onOff, fallback: false, help: '`serve` sends alerts when HOT, WARN or STALL light, when the 5-hour window resets and at fuel thresholds ([docs/hooks-and-alerts.md](docs/hooks-and-alerts.md))' },
  { key: 'alertDesktop', env: 'CLAUDE_GAUGE_ALERT_DESKTOP', file: 'alertDesktop', schema: onOff, fallback: true, help: 'with alerts on: desktop notifications (notify-send on Linux, osascript on macOS)' },
  { key: 'webhookUrl', env: 'CLAUDE_GAUGE_WEBHOOK_URL', file: 'webhookUrl', schema: webhook, fallback: null, help: 'with alerts on: POST each alert as JSON here (a `text` field works for Slack and Discord-style incoming webhooks)' },
  { key: 'alertFuel', env: 'CLAUDE_GAUGE_ALERT_FUEL', file: 'alertFuel', schema: percentList, fallback: [50, 80, 95], help: '5H PLAN percentages that alert when crossed upwards (comma-separated; re-armed only after fuel falls 5 points below)' },
  { key: 'alertCooldownMinutes', env: 'CLAUDE_GAUGE_ALERT_COOLDOWN_MINUTES', file: 'alertCooldownMinutes', schema: positive, fallback: 15, help: 'the same alert is not repeated within this many minutes' },
  { key: 'alertMaxPerHour', env: 'CLAUDE_GAUGE_ALERT_MAX_PER_HOUR', file: 'alertMaxPerHour', schema: z.coerce.number().int('must be a whole number').min(1, 'must be 1 or more'), fallback: 6, help: 'at most this many alerts in any hour; the rest are dropped (and counted in the log)' },
  {
    key: 'statuslineFormat', env: FORMAT_ENV, file: FORMAT_FILE_KEY,
    schema: statuslineFormat, fallback: [...DEFAULT_FORMAT],
    help: 'segments of `claude-gauge statusline`, in order (`--format` on the command beats it): model, 5h, range, 7d, cost, context, tach, cache, lamps',
  },
  { key: 'rescanSeconds', env: 'CLAUDE_GAUGE_RESCAN_SECONDS', file: 'rescanSeconds', schema: z.coerce.number().min(0, 'must be 0 (off) or more'), fallback: 120, help: 'safety-net rescan of the transcript folders, for changes the watchers missed (0: off); each one stats every transcript, about 0.1-0.25 s of CPU at 2 GB of history' },
];

export type Flags = Record<string, string | number | boolean | undefined>;

export function resolveConfig(flags: Flags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const file = configFile(env);
  const fromFile = readConfigFile(file);
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const flagVal = s.flag ? flags[s.flag] : undefined;
    let raw: unknown;
    let origin: string;
    if (flagVal !== undefined && flagVal !== '') [raw, origin] = [flagVal, `--${s.flag}`];
    else if (env[s.env] !== undefined && env[s.env] !== '') [raw, origin] = [env[s.env], s.env];
    else if (fromFile[s.file] !== undefined) [raw, origin] = [fromFile[s.file], `"${s.file}" in ${file}`];
    else {
      out[s.key] = s.fallback;
      continue;
    }
    const r = s.schema.safeParse(typeof raw === 'string' ? raw.trim() : raw);
    if (!r.success) throw new ConfigError(`invalid ${origin} ${JSON.stringify(raw)}: ${r.error.issues[0]?.message ?? 'bad value'}`);
    out[s.key] = r.data;
  }
  const dirs = claudeConfigDirs(env);
  return { ...(out as object), configDirs: dirs.dirs, configDirsFrom: dirs.from, stateDir: stateDir(env), configFile: file } as Config;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    const read = readStateFileSync(file, 1024 * 1024);
    if (read === null) return {};
    text = read;
  } catch (err) {
    if (err instanceof NotAFileError) throw new ConfigError(`cannot read config file: ${err.message}`);
    throw new ConfigError(`cannot read config file ${file}: ${errorText(err)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(err as Error).message.replace(/\s+/g, ' ')}`); // one line, whatever the parser quotes
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new ConfigError(`config file ${file} must hold a JSON object`);
  const known = new Set(SETTINGS.map((s) => s.file));
  const unknown = Object.keys(data).filter((k) => !known.has(k));
  if (unknown.length) throw new ConfigError(`config file ${file}: unknown setting "${unknown[0]}" (known: ${[...known].join(', ')})`);
  return data as Record<string, unknown>;
}
