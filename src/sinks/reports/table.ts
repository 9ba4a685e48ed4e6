// A report as a table for the terminal: one line per period, and with --breakdown one per model under it.
import type { Report, ReportKind, ReportRow } from './report.js';

const HEAD: Record<ReportKind, string> = { daily: 'date', weekly: 'week of', monthly: 'month', session: 'session' };

const int = (n: number) => n.toLocaleString('en-US');
const usd = (n: number) => `$${n.toFixed(2)}`;

export function reportTable(r: Report, kind: ReportKind, o: { breakdown?: boolean } = {}): string {
  const rows: ReportRow[] = r[kind] ?? [];
  if (rows.length === 0) return 'no usage found';
  const head = [HEAD[kind], 'models', 'input', 'output', 'cache create', 'cache read', 'total tokens', 'cost (USD)'];
  const body: string[][] = [];
  for (const x of rows) {
    body.push([x.period, x.modelsUsed.join(', '), int(x.inputTokens), int(x.outputTokens), int(x.cacheCreationTokens), int(x.cacheReadTokens), int(x.totalTokens), usd(x.totalCost)]);
    if (o.breakdown) {
      for (const m of x.modelBreakdowns) {
        const total = m.inputTokens + m.outputTokens + m.cacheCreationTokens + m.cacheReadTokens;
        body.push(['  └ ' + m.modelName, '', int(m.inputTokens), int(m.outputTokens), int(m.cacheCreationTokens), int(m.cacheReadTokens), int(total), usd(m.cost)]);
      }
    }
  }
  const t = r.totals;
  const foot = ['total', '', int(t.inputTokens), int(t.outputTokens), int(t.cacheCreationTokens), int(t.cacheReadTokens), int(t.totalTokens), usd(t.totalCost)];
  const all = [head, ...body, foot];
  const widths = head.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const rule = line(widths.map((w) => '-'.repeat(w)));
  const lines = [line(head), rule, ...body.map(line), rule, line(foot)];
  if (r.unpricedResponses) lines.push(`(${int(r.unpricedResponses)} responses of models without a price are not in the cost)`);
  return lines.join('\n');
}
