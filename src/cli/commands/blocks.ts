import { defineCommand } from 'citty';
import { loadEngine } from '../../daemon/load.js';
import { priceWith } from '../../daemon/older-history.js';
import { blocksJson, blocksTable } from '../../sinks/blocks.js';
import { configFrom } from '../args.js';

export default defineCommand({
  meta: { name: 'blocks', description: 'Every 5-hour block of the history (ccusage definition)' },
  args: {
    json: { type: 'boolean', description: 'JSON with ccusage field names' },
    active: { type: 'boolean', description: 'only the active block' },
    ceiling: { type: 'string', description: 'tokens for 100 %, for the table (env CLAUDE_GAUGE_5H_CEILING)' },
  },
  async run({ args }) {
    const config = configFrom(args);
    const now = Date.now();
    // The price table takes a while to load: it loads while the workers scan.
    const pricing = import('../../store/pricing.js');
    const { engine } = await loadEngine(config, { turns: false });
    const { loadPricer } = await pricing;
    engine.setPrice(priceWith(loadPricer(undefined, (problem) => process.stderr.write(`${problem}\n`))));
    let blocks = engine.blocks(now);
    if (args.active) blocks = blocks.filter((b) => b.isActive);
    if (args.json) {
      process.stdout.write(JSON.stringify(blocksJson(blocks, now), null, 2) + '\n');
      return;
    }
    const snap = engine.snapshot(now);
    process.stdout.write(blocks.length ? blocksTable(blocks, snap.window_5h_ceiling) + '\n' : 'no usage found\n');
  },
});
