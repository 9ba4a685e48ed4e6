import { promises as fs } from 'node:fs';
import path from 'node:path';
import { defineCommand } from 'citty';
import { resolveConfig } from '../../config/index.js';
import { loadEngine } from '../../daemon/load.js';
import { findDaemon, localUrl } from '../../daemon/discovery.js';
import { handoffFile, readHandoff } from '../../sources/statusline/handoff.js';
import { isOurs } from '../../setup/statusline.js';
import { installedEvents } from '../../setup/hooks.js';
import { readStateFile } from '../../util/state-file.js';
import { settingsPathFor } from '../../setup/settings.js';

interface Finding {
  level: 'ok' | 'warn' | 'error';
  what: string;
  fix?: string;
}

export default defineCommand({
  meta: { name: 'doctor', description: 'Check folders, transcripts, statusline wiring and the daemon; say how to fix what is wrong' },
  args: { json: { type: 'boolean', description: 'machine-readable findings' } },
  async run({ args }) {
    const config = resolveConfig({});
    const f: Finding[] = [];
    const from = config.configDirsFrom === 'env' ? 'CLAUDE_CONFIG_DIR' : 'default locations';
    for (const dir of config.configDirs) {
      const exists = await fs.stat(path.join(dir, 'projects')).then(() => true, () => false);
      f.push({ level: exists ? 'ok' : 'warn', what: `${path.join(dir, 'projects')} (${from}): ${exists ? 'found' : 'not found'}` });
    }
    const started = Date.now();
    const { engine, source } = await loadEngine(config);
    const h = source.health();
    f.push({ level: h.files > 0 ? 'ok' : 'error', what: `${h.files} transcript files, ${h.records} records, ${engine.responseCount} distinct responses (read in ${Date.now() - started} ms)`, fix: h.files > 0 ? undefined : 'use Claude Code once, or point CLAUDE_CONFIG_DIR at the folder that holds projects/' });
    if (h.skipped_lines > 0) f.push({ level: 'warn', what: `${h.skipped_lines} malformed lines skipped (partial writes or junk; nothing else is lost)` });
    for (const p of h.problems) f.push({ level: 'error', what: p, fix: 'check the path and its permissions' });
    const snap = engine.snapshot(Date.now());
    f.push({ level: 'ok', what: `newest record: ${snap.last_activity_at ?? 'none'}; active 5-hour block: ${snap.window_5h_block_start ?? 'none'}; ceiling ${snap.window_5h_ceiling.toLocaleString('en-US')} (${snap.window_5h_ceiling_source})` });

    const settingsPath = settingsPathFor(config.configDirs);
    const settings = await readStateFile(settingsPath, 16 * 1024 * 1024).then((t) => (t === null ? null : JSON.parse(t)), () => null);
    const wired = isOurs(settings?.statusLine);
    f.push(wired
      ? { level: 'ok', what: `statusline wired in ${settingsPath}` }
      : { level: 'warn', what: `statusline not wired (${settingsPath}): 5H PLAN shows a local estimate, not Claude's own figure`, fix: 'claude-gauge setup statusline' });
    const hooked = await installedEvents(settingsPath).catch(() => []);
    f.push({ level: 'ok', what: hooked.length ? `hooks installed (${hooked.join(', ')}): STALL and IDLE are exact` : 'hooks not installed: STALL and IDLE are inferred from transcripts (exact with: claude-gauge hooks install)' });
    const limits = await readHandoff(config.stateDir);
    f.push(limits
      ? { level: limits.fiveHour && limits.fiveHour.resetsAt > Date.now() ? 'ok' : 'warn', what: `last statusline figures ${new Date(limits.at).toISOString()} (${handoffFile(config.stateDir)})${limits.fiveHour ? `: 5h ${limits.fiveHour.usedPercentage}%` : ''}` }
      : { level: wired ? 'warn' : 'ok', what: 'no rate_limits received yet (Claude Code sends them to Pro/Max subscribers after the first response)' });

    const daemon = await findDaemon(config.stateDir);
    if (daemon) {
      const ok = await fetch(`${localUrl(daemon)}/healthz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
      f.push({ level: ok ? 'ok' : 'error', what: `daemon pid ${daemon.pid} at ${localUrl(daemon)}: ${ok ? 'answering' : 'not answering'}`, fix: ok ? undefined : 'restart it: claude-gauge serve' });
    } else f.push({ level: 'warn', what: 'no daemon running', fix: 'claude-gauge serve' });

    if (args.json) console.log(JSON.stringify({ config, findings: f }, null, 2));
    else {
      for (const x of f) console.log(`${x.level === 'ok' ? ' ok ' : x.level === 'warn' ? 'warn' : 'FAIL'}  ${x.what}${x.fix ? `\n      fix: ${x.fix}` : ''}`);
    }
    if (f.some((x) => x.level === 'error')) process.exitCode = 1;
  },
});
