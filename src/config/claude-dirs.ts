// Where Claude Code keeps its configuration (and so its transcripts): CLAUDE_CONFIG_DIR, which
// may list several folders, or both default folders. Configuration knowledge, read once by
// src/config and handed to the sources as plain paths.
import os from 'node:os';
import path from 'node:path';

export interface ConfigDirs {
  /** Candidate config dirs, in order. */
  dirs: string[];
  /** 'env' when CLAUDE_CONFIG_DIR chose them (only those are used), else 'default'. */
  from: 'env' | 'default';
}

export function expandHome(p: string, home = os.homedir()): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(home, p.slice(2));
  return p;
}

export function claudeConfigDirs(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): ConfigDirs {
  const raw = env.CLAUDE_CONFIG_DIR?.trim();
  if (raw) {
    const dirs = raw.split(',').map((s) => s.trim()).filter(Boolean).map((s) => path.resolve(expandHome(s, home)));
    return { dirs: [...new Set(dirs)], from: 'env' };
  }
  const xdg = env.XDG_CONFIG_HOME?.trim() || path.join(home, '.config');
  return { dirs: [path.join(xdg, 'claude'), path.join(home, '.claude')], from: 'default' };
}
