// The commands that read the history or the transcripts and print what they found. bin starts
// them from a bundle of their own (reports.ts), less than half the whole CLI's, so a report
// loads, parses and holds less; the whole CLI lists them in the same place (index.ts).
export const REPORT_COMMANDS = {
  usage: () => import('./commands/usage.js').then((m) => m.default),
  blocks: () => import('./commands/blocks.js').then((m) => m.default),
  daily: () => import('./commands/daily.js').then((m) => m.default),
  weekly: () => import('./commands/weekly.js').then((m) => m.default),
  monthly: () => import('./commands/monthly.js').then((m) => m.default),
  session: () => import('./commands/session.js').then((m) => m.default),
};
