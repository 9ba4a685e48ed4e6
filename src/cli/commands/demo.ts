import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineCommand, type CommandMeta } from 'citty';
import { resolveConfig } from '../../config/index.js';
import { Daemon } from '../../daemon/index.js';
import { DemoWriter, DEMO_SETTINGS } from '../../demo/scenario.js';
import { cycleHelp } from '../../demo/script.js';
import { createApp } from '../../sinks/http/app.js';
import { listen } from '../../http/listen.js';
import { serverArgs } from '../args.js';

const S = DEMO_SETTINGS;

export default defineCommand({
  meta: {
    name: 'demo',
    description:
      'See every needle and lamp work with no Claude Code: live demo transcripts, the normal pipeline, the virtual cluster. ' +
      `Its daemon alone runs with settings a short script can reach: STALL after ${Math.round(S.stallMinutes * 60)} seconds, IDLE after ${S.idleSeconds}, ` +
      `WARN when the 5-minute cache hit rate is below ${Math.round(S.cacheFloor * 100)} % (and past 80 % of a ${S.ceiling / 1e6}M-token plan, about half an hour in), the redline at ${S.redline / 1000}k tokens a minute.`,
    epilog: cycleHelp(),
  } as CommandMeta & { epilog: string[] },
  args: {
    port: serverArgs.port,
    host: { type: 'string', description: 'listen address (default 127.0.0.1: the demo stays on this machine)' },
    open: { type: 'boolean', default: true, description: 'open the page in a browser (--no-open to skip)' },
    seed: { type: 'string', description: 'seed for the generated conversation' },
  },
  async run({ args }) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'claude-gauge-demo-'));
    // The normal configuration, pointed at the demo folder, with thresholds the script reaches (never serve's defaults).
    const config = {
      ...resolveConfig({ port: args.port, host: args.host ?? '127.0.0.1' }, { ...process.env, CLAUDE_CONFIG_DIR: dir, CLAUDE_GAUGE_STATE_DIR: path.join(dir, 'state') }),
      ...DEMO_SETTINGS,
      rescanSeconds: 5,
    };
    const log = (m: string) => process.stderr.write(`claude-gauge demo: ${m}\n`);
    const writer = new DemoWriter({ dir, seed: args.seed ? Number(args.seed) : undefined, onAct: (a) => log(`now: ${a.name} (${a.shows})`) });
    await fs.mkdir(path.join(dir, 'projects'), { recursive: true });
    const daemon = new Daemon({ config });
    await daemon.start();
    const app = createApp({
      snapshot: () => daemon.snapshot(),
      ready: () => true,
      subscribe: (fn) => daemon.subscribe(fn),
    });
    const http = await listen(app, config.port, config.host);
    const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${http.port}/`;
    log(`the virtual cluster is at ${url} (transcripts in ${dir}); Ctrl-C to stop`);
    if (args.open) openBrowser(url);
    const running = writer.run();
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      writer.stop();
      await running;
      await http.close();
      await daemon.close();
      await fs.rm(dir, { recursive: true, force: true });
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await running;
  },
});

function openBrowser(url: string): void {
  const [cmd, argv] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, argv, { stdio: 'ignore', detached: true });
    child.on('error', () => process.stderr.write(`claude-gauge demo: open ${url} in your browser\n`));
    child.unref();
  } catch {
    process.stderr.write(`claude-gauge demo: open ${url} in your browser\n`);
  }
}
