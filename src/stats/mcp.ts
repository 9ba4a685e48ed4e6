// The stats queries as MCP tools: the small JSON-RPC 2.0 surface of the Streamable HTTP
// transport that tools need (initialize, ping, tools/list, tools/call), written by hand because
// no MCP library is installed. Stateless: no sessions, no server-initiated messages.
import { VERSION } from '../version.js';
import { FilterError, parseFilter } from './filter.js';
import { QUERIES, type StatsContext } from './registry.js';

export const PROTOCOL_VERSIONS = ['2025-06-18', '2025-03-26', '2024-11-05'];

interface RpcRequest {
  jsonrpc: '2.0';
  id?: string | number | null;
  method: string;
  params?: any;
}

type RpcResponse = { jsonrpc: '2.0'; id: string | number | null } & ({ result: unknown } | { error: { code: number; message: string } });

const FILTER_SCHEMA = {
  type: 'object',
  properties: {
    from: { type: 'string', description: 'start, ISO 8601 date or date-time (inclusive); default: the beginning' },
    to: { type: 'string', description: 'end, ISO 8601 (exclusive; a bare date means through that day); default: now' },
    project: { type: 'string', description: 'a project folder, as listed by the summary tool' },
    tz: { type: 'string', description: 'IANA time zone for days and hours, e.g. Europe/Rome; default: the daemon machine\'s' },
  },
  additionalProperties: false,
};

/** Handles one parsed body (a message or a batch). null: nothing to answer (notifications only) -> HTTP 202. */
export function handleMcp(ctx: StatsContext, body: unknown): RpcResponse | RpcResponse[] | null {
  if (Array.isArray(body)) {
    if (body.length === 0) return error(null, -32600, 'empty batch');
    const out = body.map((m) => one(ctx, m)).filter((r): r is RpcResponse => r !== null);
    return out.length ? out : null;
  }
  return one(ctx, body);
}

function one(ctx: StatsContext, m: unknown): RpcResponse | null {
  if (!m || typeof m !== 'object' || (m as RpcRequest).jsonrpc !== '2.0' || typeof (m as RpcRequest).method !== 'string') {
    // A response or junk from the client: answer only if it looked like a request.
    const id = (m as any)?.id;
    return (m as any)?.result !== undefined || (m as any)?.error !== undefined ? null : error(id ?? null, -32600, 'invalid request');
  }
  const req = m as RpcRequest;
  const isNotification = req.id === undefined;
  const id = req.id ?? null;
  const reply = (result: unknown): RpcResponse | null => (isNotification ? null : { jsonrpc: '2.0', id, result });
  switch (req.method) {
    case 'initialize': {
      const asked = req.params?.protocolVersion;
      return reply({
        protocolVersion: PROTOCOL_VERSIONS.includes(asked) ? asked : PROTOCOL_VERSIONS[0],
        capabilities: { tools: { listChanged: false } },
        serverInfo: { name: 'claude-gauge', version: VERSION },
        instructions: 'Usage statistics of Claude Code on this machine, from its local history. Every tool takes optional from, to, project and tz.',
      });
    }
    case 'ping':
      return reply({});
    case 'tools/list':
      return reply({ tools: QUERIES.map((q) => ({ name: q.tool, description: q.description, inputSchema: FILTER_SCHEMA })) });
    case 'tools/call': {
      const q = QUERIES.find((x) => x.tool === req.params?.name);
      if (!q) return isNotification ? null : error(id, -32602, `unknown tool ${JSON.stringify(req.params?.name)}`);
      const args = req.params?.arguments && typeof req.params.arguments === 'object' ? req.params.arguments : {};
      try {
        const f = parseFilter((k) => (args[k] === undefined ? undefined : String(args[k])), (ctx.now ?? Date.now)());
        const data = q.run(ctx, f);
        return reply({ content: [{ type: 'text', text: JSON.stringify(data) }], structuredContent: data, isError: false });
      } catch (err) {
        if (err instanceof FilterError) return reply({ content: [{ type: 'text', text: err.message }], isError: true });
        throw err;
      }
    }
    default:
      if (req.method.startsWith('notifications/')) return null;
      return isNotification ? null : error(id, -32601, `method not found: ${req.method}`);
  }
}

function error(id: string | number | null, code: number, message: string): RpcResponse {
  return { jsonrpc: '2.0', id, error: { code, message } };
}
