// Builders for transcript lines shaped like Claude Code's, for tests.
export interface AssistantLine {
  id: string;
  req: string;
  at: string | number;
  model?: string;
  input?: number;
  output?: number;
  cacheCreation?: number;
  cacheRead?: number;
  thinking?: number;
  text?: string;
  session?: string;
}

const iso = (t: string | number) => (typeof t === 'number' ? new Date(t).toISOString() : t);

export function assistant(a: AssistantLine): string {
  const usage: Record<string, unknown> = {
    input_tokens: a.input ?? 0,
    cache_creation_input_tokens: a.cacheCreation ?? 0,
    cache_read_input_tokens: a.cacheRead ?? 0,
    output_tokens: a.output ?? 0,
  };
  if (a.thinking !== undefined) usage.output_tokens_details = { thinking_tokens: a.thinking };
  return JSON.stringify({
    type: 'assistant',
    sessionId: a.session ?? 's1',
    requestId: a.req,
    timestamp: iso(a.at),
    uuid: `${a.id}-${a.at}`,
    message: {
      id: a.id,
      model: a.model ?? 'claude-opus-4-6',
      role: 'assistant',
      content: [{ type: 'text', text: a.text ?? '' }],
      usage,
    },
  });
}

export function prompt(at: string | number, text = 'do the thing', session = 's1'): string {
  return JSON.stringify({ type: 'user', sessionId: session, timestamp: iso(at), uuid: `u-${at}`, message: { role: 'user', content: text } });
}

export function toolResult(at: string | number, session = 's1'): string {
  return JSON.stringify({
    type: 'user', sessionId: session, timestamp: iso(at), uuid: `t-${at}`,
    message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' }] },
  });
}
