// What the program says of itself at the top of its help, whichever entry runs (index.ts, reports.ts).
import { VERSION } from '../version.js';

export const PROGRAM = { name: 'claude-gauge', version: VERSION, description: 'Instrument cluster for Claude Code: a daemon that turns transcripts into gauges.' };
