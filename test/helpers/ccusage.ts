// The real ccusage binary (pinned devDependency) and our `blocks --json`, side by side.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT, isolatedEnv, runCli, tempDir } from './cli.js';

const CCUSAGE = path.join(ROOT, 'node_modules', '.bin', 'ccusage');
/** Whether the pinned binary runs here (installed, for this platform, executable). */
function runs(): boolean {
  try {
    return existsSync(CCUSAGE) && execFileSync(CCUSAGE, ['--version'], { encoding: 'utf8', timeout: 30_000 }).includes('20.0.24');
  } catch {
    return false;
  }
}
export const ccusageSkip = !process.env.CI && !runs() ? 'ccusage 20.0.24 does not run here (npm ci installs it); skipped outside CI' : false;

export function ccusageBlocks(configDir: string): Promise<any[]> {
  return new Promise((resolve, reject) => {
    execFile(CCUSAGE, ['blocks', '--json', '--offline'], { env: isolatedEnv({ CLAUDE_CONFIG_DIR: configDir }), maxBuffer: 256 * 1024 * 1024 }, (err, out) => {
      if (err) return reject(err);
      resolve(JSON.parse(out).blocks);
    });
  });
}

export async function ourBlocks(configDir: string): Promise<any[]> {
  const state = await tempDir('state');
  const r = await runCli(['blocks', '--json'], { env: isolatedEnv({ CLAUDE_CONFIG_DIR: configDir, CLAUDE_GAUGE_STATE_DIR: state }) });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).blocks;
}

const FIELDS = ['id', 'startTime', 'endTime', 'actualEndTime', 'isActive', 'isGap', 'entries', 'tokenCounts', 'totalTokens', 'models'];

export function assertSameBlocks(ours: any[], theirs: any[]): void {
  assert.equal(ours.length, theirs.length, 'block count');
  theirs.forEach((t, i) => {
    for (const f of FIELDS) assert.deepEqual(ours[i][f], t[f], `block ${i} (${t.startTime}) field ${f}`);
    // Different price tables (ccusage's own, @pydantic/genai-prices here) and summing orders: equal to a millionth.
    const cost = ours[i].costUSD ?? 0;
    assert.ok(Math.abs(cost - t.costUSD) <= 1e-6 * Math.max(1, t.costUSD), `block ${i} (${t.startTime}) costUSD ${cost} vs ccusage ${t.costUSD}`);
  });
}

