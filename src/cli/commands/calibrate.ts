import { defineCommand } from 'citty';
import { calibrate, MIN_OBSERVATIONS, MIN_OBSERVED_PCT } from '../../calibrate/index.js';
import { readResponses } from '../../calibrate/responses.js';
import { readObservations } from '../../calibrate/observations.js';
import { pasteLines, renderReport } from '../../calibrate/report.js';
import { ConfigError, resolveConfig, type Config } from '../../config/index.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { configFile } from '../../util/paths.js';
import { fail } from '../fail.js';
import { readStateFile } from '../../util/state-file.js';

export default defineCommand({
  meta: {
    name: 'calibrate',
    // The rules, in short (docs/living.md has the why): the ceiling follows Anthropic's own scale
    // when the statusline has measured it, else the busiest window; HOT means faster than 99 % of your minutes.
    description: `Propose the 5-hour ceiling (median implied by the statusline's percent, ${MIN_OBSERVATIONS}+ sightings at ${MIN_OBSERVED_PCT} %+; else the largest finished block) and the tach redline (p99 tokens per active minute, rounded up)`,
  },
  args: {
    write: { type: 'boolean', description: 'merge the proposal into the config file (other keys kept)' },
    json: { type: 'boolean', description: 'machine-readable' },
  },
  async run({ args }) {
    let config: Config;
    try {
      config = resolveConfig({});
    } catch (err) {
      // An unreadable or invalid config file is the user's: never overwrite it.
      if (err instanceof ConfigError && args.write && err.message.includes(configFile())) fail(`${err.message}; not writing to it (fix or remove it first)`, 2);
      throw err;
    }
    const now = Date.now();
    const { engine, entries } = await readResponses(config);
    const snap = engine.snapshot(now);
    const c = calibrate({
      entries,
      blocks: engine.blocks(now),
      observations: await readObservations(config.stateDir),
      ceiling: { value: snap.window_5h_ceiling, source: snap.window_5h_ceiling_source },
      redline: config.redline,
    });
    const paste = pasteLines(c);
    let written: string | null = null;
    if (args.write && Object.keys(paste.config).length) {
      const text = await readStateFile(config.configFile, 1024 * 1024).catch(() => null);
      const current = text === null ? {} : (JSON.parse(text) as Record<string, unknown>); // resolveConfig has checked it
      await writeFileAtomic(config.configFile, JSON.stringify({ ...current, ...paste.config }, null, 2) + '\n');
      written = config.configFile;
    }
    if (args.json) {
      process.stdout.write(JSON.stringify({ ...c, paste, written }, null, 2) + '\n');
      return;
    }
    process.stdout.write(renderReport(c, config.configFile));
    if (args.write) {
      if (!written) process.stdout.write('\nnothing to write yet\n');
      else {
        process.stdout.write(`\nwrote ${Object.entries(paste.config).map(([k, v]) => `${k}=${v}`).join(', ')} to ${written}\n`);
        const overridden = ['CLAUDE_GAUGE_5H_CEILING', 'CLAUDE_GAUGE_TACH_REDLINE'].filter((k) => process.env[k]);
        if (overridden.length) process.stdout.write(`note: ${overridden.join(' and ')} set in the environment override the file\n`);
        process.stdout.write('a running daemon reads it at start: restart it (claude-gauge service install restarts the login service)\n');
      }
    }
  },
});
