// Per-user folders, following each platform's convention.
import os from 'node:os';
import path from 'node:path';

/** Where claude-gauge keeps state (statusline handoff, daemon address, history). */
export function stateDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform, home = os.homedir()): string {
  if (env.CLAUDE_GAUGE_STATE_DIR) return path.resolve(env.CLAUDE_GAUGE_STATE_DIR);
  if (platform === 'win32') return path.join(env.LOCALAPPDATA || path.join(home, 'AppData', 'Local'), 'claude-gauge');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'claude-gauge');
  return path.join(env.XDG_STATE_HOME || path.join(home, '.local', 'state'), 'claude-gauge');
}

/** Where the optional config file lives. */
export function configFile(env: NodeJS.ProcessEnv = process.env, platform = process.platform, home = os.homedir()): string {
  if (env.CLAUDE_GAUGE_CONFIG) return path.resolve(env.CLAUDE_GAUGE_CONFIG);
  if (platform === 'win32') return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'claude-gauge', 'config.json');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'claude-gauge', 'config.json');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'claude-gauge', 'config.json');
}
