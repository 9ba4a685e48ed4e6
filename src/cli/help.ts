// `--help` for a command: its own options only, wrapped to the terminal (80 columns when piped),
// under a usage line that names the whole command. citty's renderer pads every row to the longest
// description, so an 80-column terminal wrapped each line two or three times.
import type { ArgsDef, CommandDef } from 'citty';

interface ArgLike {
  type?: string;
  description?: string;
  required?: boolean;
  valueHint?: string;
}

/** @param path the words that name the command: ['claude-gauge', 'setup', 'statusline'] */
export function renderHelp(cmd: CommandDef<any>, subs: Record<string, CommandDef<any>> | null, path: string[], width = helpWidth()): string {
  // `epilog`: lines printed as they are after the options (a command's own table, already wrapped).
  const meta = (cmd.meta ?? {}) as { description?: string; epilog?: string[] };
  const args = Object.entries((cmd.args ?? {}) as ArgsDef) as [string, ArgLike][];
  const positionals = args.filter(([, a]) => a.type === 'positional');
  const options = args.filter(([, a]) => a.type !== 'positional');
  const usage = [
    ...path,
    subs ? '<command>' : '',
    options.length ? '[options]' : '',
    ...positionals.map(([n, a]) => (a.required === false ? `[${n}]` : `<${n}>`)),
  ].filter(Boolean).join(' ');
  const out: string[] = [...wrap(`Usage: ${usage}`, width, '  '), ''];
  if (meta.description) out.push(...wrap(meta.description, width, ''), '');
  if (subs) {
    out.push('Commands:');
    // A list names each command by its first sentence; the command's own help says the rest.
    out.push(...table(Object.entries(subs).map(([n, c]) => [n, firstSentence(((c.meta ?? {}) as { description?: string }).description ?? '')]), width));
    out.push('', `Run \`${path.join(' ')} <command> --help\` for a command's options.`);
  }
  if (positionals.length) {
    out.push('Arguments:');
    out.push(...table(positionals.map(([n, a]) => [n, a.description ?? '']), width));
    out.push('');
  }
  if (options.length) {
    out.push('Options:');
    out.push(...table(options.map(([n, a]) => [a.type === 'boolean' ? `--${n}` : `--${n} <${a.valueHint ?? 'value'}>`, a.description ?? '']), width));
  }
  if (meta.epilog?.length) out.push('', ...meta.epilog);
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

function helpWidth(): number {
  const cols = process.stdout.isTTY ? process.stdout.columns : 0;
  return Math.max(60, Math.min(cols || 80, 100));
}

/** Two columns: names, then descriptions wrapped under themselves; a long name puts its description below it. */
function table(rows: [string, string][], width: number): string[] {
  const nameCol = Math.min(26, Math.max(...rows.map(([n]) => n.length)) + 4);
  const out: string[] = [];
  for (const [name, desc] of rows) {
    const lines = wrap(desc, width - nameCol, '');
    const head = `  ${name}`;
    if (head.length + 2 > nameCol) {
      out.push(head);
      out.push(...lines.map((l) => ' '.repeat(nameCol) + l));
    } else {
      out.push(head.padEnd(nameCol) + (lines[0] ?? ''));
      out.push(...lines.slice(1).map((l) => ' '.repeat(nameCol) + l));
    }
  }
  return out;
}

/** Words into lines of at most `width` characters; a word longer than that stands alone. */
function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function firstSentence(text: string): string {
  const end = text.search(/\.\s/);
  return end < 0 ? text : text.slice(0, end);
}
