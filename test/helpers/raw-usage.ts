// What test oracles read: every assistant line with usage in a history, parsed with JSON.parse and
// nothing of the code under test, in path order. Each oracle folds the lines its own way.
import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface RawUsage {
  /** The parsed record. */
  r: any;
  at: number;
  input: number;
  output: number;
  /** The split cache writes when present (their sum is the total, as ccusage reads it), else the plain figure. */
  cacheCreation: number;
  cacheRead: number;
  total: number;
}

/** The .jsonl files under `<configDir>/projects`, sorted by path. */
export async function transcriptPaths(configDir: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith('.jsonl')) files.push(p);
    }
  };
  await walk(path.join(configDir, 'projects'));
  return files.sort();
}

/** The usage lines of one file's text; lines that do not parse are skipped. */
export function usageLines(text: string): RawUsage[] {
  const out: RawUsage[] = [];
  for (const line of text.split('\n')) {
    let r: any;
    try {
      r = JSON.parse(line);
    } catch {
      continue;
    }
    const u = r?.message?.usage;
    if (r?.type !== 'assistant' || !u) continue;
    const cacheCreation = u.cache_creation ? (u.cache_creation.ephemeral_5m_input_tokens ?? 0) + (u.cache_creation.ephemeral_1h_input_tokens ?? 0) : u.cache_creation_input_tokens ?? 0;
    const input = u.input_tokens ?? 0;
    const output = u.output_tokens ?? 0;
    const cacheRead = u.cache_read_input_tokens ?? 0;
    out.push({ r, at: Date.parse(r.timestamp), input, output, cacheCreation, cacheRead, total: input + output + cacheCreation + cacheRead });
  }
  return out;
}

/** Every usage line of the history, file by file in path order. */
export async function historyUsageLines(configDir: string): Promise<RawUsage[]> {
  const out: RawUsage[] = [];
  for (const f of await transcriptPaths(configDir)) out.push(...usageLines(await fs.readFile(f, 'utf8')));
  return out;
}
