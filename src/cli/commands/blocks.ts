import { defineCommand } from 'citty';
import type { Block, BlockEntry, PriceFn } from '../../core/blocks.js';
import { computeBlocks, finishedBlocks } from '../../engine/blocks.js';
import { autoCeiling, recentBlocks } from '../../engine/ceiling.js';
import { loadPriceFn, type Pricing } from '../../daemon/older-history.js';
import { blocksJson, blocksTable } from '../../sinks/blocks.js';
import { currentHistory, FROM_HELP, wantFrom, type RowSource } from '../from-history.js';
import { configFrom, tellProblems } from '../args.js';
import { fail } from '../fail.js';
import type { Config } from '../../config/index.js';

export default defineCommand({
  meta: { name: 'blocks', description: 'Every 5-hour block of the history (ccusage definition)' },
  args: {
    json: { type: 'boolean', description: 'JSON with ccusage field names' },
    active: { type: 'boolean', description: 'only the active block' },
    ceiling: { type: 'string', description: 'tokens for 100 %, for the table (env CLAUDE_GAUGE_5H_CEILING)' },
    from: { type: 'string', description: FROM_HELP },
  },
  async run({ args }) {
    const config = configFrom(args);
    const want = wantFrom('blocks', args.from);
    const now = Date.now();
    const { blocks: all, from } = await allBlocks(config, want, now);
    const blocks = args.active ? all.filter((b) => b.isActive) : all;
    if (args.json) process.stdout.write(JSON.stringify(blocksJson(blocks, now), null, 2) + '\n');
    else process.stdout.write(blocks.length ? blocksTable(blocks, ceiling(config, all, now)) + '\n' : 'no usage found\n');
    // On stderr, JSON or not: which one answered (the answer is the same; the time is not).
    process.stderr.write(`(from the ${from})\n`);
  },
});

/** Every block, from the current history or a scan of the transcripts: the same fold and prices either way. */
async function allBlocks(config: Config, want: ReturnType<typeof wantFrom>, now: number): Promise<{ blocks: Block[]; from: RowSource }> {
  // The price table takes a while to load (about 100 ms): it loads while the rows are read, and not
  // at all when the history's stored costs were made under the prices in force now.
  let pricing: Promise<Pricing> | null = null;
  const load = () => (pricing ??= loadPriceFn((problem) => void process.stderr.write(`${problem}\n`), config.stateDir));
  const price = async (): Promise<PriceFn> => (await load()).price;
  const history = await currentHistory(config, want);
  if (history) {
    const { historyBlockEntries, historyBlocks, pricedAsNow } = await import('../../store/history-blocks.js');
    let blocks: Block[] | null = null;
    let entries: BlockEntry[] | null = null;
    try {
      // Stored costs under the prices in force: the blocks kept in the history and the rows after
      // them. Otherwise every row, priced as the scan prices them.
      if (pricedAsNow(history.db)) blocks = historyBlocks(history.db, now);
      else {
        void price();
        entries = historyBlockEntries(history.db);
      }
    } catch (err) {
      // Damage found only now (a read-only open checks nothing): as at the open, the transcripts answer.
      if (want === 'history') fail(`blocks: the history does not read (${(err as Error).message}): use --from transcripts`, 2);
      process.stderr.write(`history does not read (${(err as Error).message}); reading the transcripts\n`);
    } finally {
      history.close();
    }
    if (blocks) return { blocks, from: 'history' };
    if (entries) {
      const priced = computeBlocks(entries, now, await price());
      await (await load()).saveRates();
      return { blocks: priced, from: 'history' };
    }
  }
  void price();
  const { loadEngine } = await import('../../daemon/load.js');
  const { engine, source } = await loadEngine(config, { turns: false });
  tellProblems(source.health().problems);
  engine.setPrice(await price());
  const blocks = engine.blocks(now);
  await (await load()).saveRates();
  return { blocks, from: 'transcripts' };
}

/** The table's 100 %: the configured ceiling, or the engine's `auto` one (P90 of the recent finished blocks). */
function ceiling(config: Config, blocks: Block[], now: number): number {
  if (typeof config.ceiling === 'number') return config.ceiling;
  return autoCeiling(recentBlocks(finishedBlocks(blocks), now))?.tokens ?? config.defaultCeiling;
}
