// The stats queries as MCP tools, served with the official MCP SDK over its web-standard
// Streamable HTTP transport, stateless: a fresh server per request, no sessions to keep.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { z } from 'zod';
import { VERSION } from '../../version.js';
import { FilterError, parseFilter } from './filter.js';
import { QUERIES } from './registry.js';
import type { QueryRunner } from './runner.js';

/** Where the tools' queries run, and the clock their default range ends at. */
export interface McpDeps {
  runner: QueryRunner;
  now: () => number;
}

const FILTER = {
  from: z.string().optional().describe('start, ISO 8601 date or date-time (inclusive); default: the beginning'),
  to: z.string().optional().describe('end, ISO 8601 (exclusive; a bare date means through that day); default: now'),
  project: z.string().optional().describe('a project folder, as listed by the summary tool'),
  tz: z.string().optional().describe("IANA time zone for days and hours, e.g. Europe/Rome; default: the daemon machine's"),
};

function buildServer(deps: McpDeps): McpServer {
  const server = new McpServer(
    { name: 'claude-gauge', version: VERSION },
    { instructions: 'Usage statistics of Claude Code on this machine, from its local history. Every tool takes optional from, to, project and tz.' },
  );
  for (const q of QUERIES) {
    server.registerTool(q.tool, { description: q.description, inputSchema: FILTER }, async (args) => {
      try {
        const f = parseFilter((k) => (args as Record<string, string | undefined>)[k], deps.now());
        const data = (await deps.runner.run(q.path, f)) as Record<string, unknown>;
        return { content: [{ type: 'text' as const, text: JSON.stringify(data) }], structuredContent: data, isError: false };
      } catch (err) {
        if (err instanceof FilterError) return { content: [{ type: 'text' as const, text: err.message }], isError: true };
        throw err;
      }
    });
  }
  return server;
}

/** Answers one MCP HTTP request (POST JSON-RPC; GET and DELETE as the transport defines them). */
export async function handleMcp(deps: McpDeps, req: Request): Promise<Response> {
  const server = buildServer(deps);
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  try {
    return await transport.handleRequest(req);
  } finally {
    void server.close();
  }
}
