import { defineCommand } from 'citty';

// Reached only for --help: bin/claude-gauge.cjs runs `hook` itself, without the CLI framework.
export default defineCommand({
  meta: { name: 'hook', description: 'Run by Claude Code on each hook event: records it for the daemon (reads the hook JSON on stdin; prints nothing)' },
  args: { event: { type: 'positional', required: false, description: 'the event name, when stdin lacks hook_event_name' } },
  async run({ args }) {
    const { runHook } = await import('../../hooks/run.js');
    await runHook(typeof args.event === 'string' ? args.event : undefined);
  },
});
