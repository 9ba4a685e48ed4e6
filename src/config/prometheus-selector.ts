// CLAUDE_GAUGE_PROMETHEUS_SELECTOR: PromQL label matchers (`host_name="studio", user_email=~".*@home"`),
// checked here so a typo stops the daemon at start with one line instead of a stream of 400s.
const NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const OP = /=~|!~|!=|=/y;
const VALUE = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/y;
const SPACE = /\s*/y;

function take(re: RegExp, s: string, at: number): { text: string; end: number } | null {
  re.lastIndex = at;
  const m = re.exec(s);
  return m ? { text: m[0], end: re.lastIndex } : null;
}

/** The matchers without braces (`a="b",c=~"d"`), or an error saying what is wrong. */
export function parseSelector(raw: string): { matchers: string } | { error: string } {
  let s = raw.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  const out: string[] = [];
  let at = take(SPACE, s, 0)!.end;
  while (at < s.length) {
    const name = take(NAME, s, at);
    if (!name) return { error: `expected a label name at "${s.slice(at, at + 20)}" (label matchers such as host_name="studio")` };
    const op = take(OP, s, take(SPACE, s, name.end)!.end);
    if (!op) return { error: `expected =, !=, =~ or !~ after "${name.text}"` };
    const value = take(VALUE, s, take(SPACE, s, op.end)!.end);
    if (!value) return { error: `the value of "${name.text}" must be quoted, e.g. ${name.text}${op.text}"studio"` };
    out.push(`${name.text}${op.text}${value.text}`);
    at = take(SPACE, s, value.end)!.end;
    if (at < s.length) {
      if (s[at] !== ',') return { error: `expected "," between matchers at "${s.slice(at, at + 20)}"` };
      at = take(SPACE, s, at + 1)!.end;
    }
  }
  return { matchers: out.join(',') };
}

/** The selector as a problem message for the settings check, or null when it is fine. */
export function selectorProblem(raw: string): string | null {
  const r = parseSelector(raw);
  return 'error' in r ? r.error : null;
}
