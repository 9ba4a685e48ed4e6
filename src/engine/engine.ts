// The pure engine: events in, one snapshot out. No I/O; time comes from the caller.
import { addTokens, tokenGrowth, totalTokens, type GaugeEvent, type LimitsEvent, type ResponseEvent, type Tokens, type WindowEvent } from '../core/events.js';
import { zoneOrDefault } from '../core/local-time.js';
import { modelFamily } from '../core/model.js';
import { beats } from '../core/response-fold.js';
import { SCHEMA_VERSION, type FuelHealth, type Snapshot, type SourceHealth } from '../core/snapshot.js';
import type { Block, BlockEntry, FinishedBlock, HistoryPart, PriceFn } from '../core/blocks.js';
import { activeBlock, BLOCK_MS, chainStartIndex, computeBlocks, finishedBlocks } from './blocks.js';
import { autoCeiling, recentBlocks } from './ceiling.js';
import { CONTEXT_WARN, ContextTracker } from './context.js';
import { History } from './history.js';
import { learnWeekly, outlook, type WeeklyCeiling } from './outlook.js';
import { TickLine } from './ticks.js';
import { TurnState } from './turn-state.js';
import { Timeline, upperBound } from './timeline.js';
import { gaugePositions } from './scale.js';

export interface EngineSettings {
  /** Tokens that count as a full 5-hour tank, or 'auto' (the largest finished block seen). */
  ceiling: number | 'auto';
  /** Used when ceiling is 'auto' and no finished block exists yet. */
  defaultCeiling: number;
  /** Tokens per minute at the redline. */
  redline: number;
  stallMinutes: number;
  /** Seconds without a record before IDLE lights (default 60); only the demo shortens it. */
  idleSeconds?: number;
  /** WARN when the 5-minute cache hit rate falls below this while active. */
  cacheFloor: number;
  /** A turn silent longer than this is taken as abandoned (Claude Code closed mid-turn), not stalled. */
  abandonMinutes: number;
  /** Keep every tick (batch use: `usage --now` in the past) instead of only the last minutes. */
  keepAllTicks: boolean;
  /** Ignore records after this instant: the history as it stood then (`usage --now`). */
  until?: number;
  /** Reports of 5-hour blocks only: no per-minute windows are kept (a full scan skips that work). */
  blocksOnly?: boolean;
  /** List prices (the cost figures are null without it). */
  price?: PriceFn;
  /** IANA zone whose midnight starts "today" (cost_today_usd); this machine's when absent. */
  timeZone?: string;
  /** Context window in tokens when configured; else 1M or 200k as the model and session show. */
  contextWindow?: number;
  /** context_warn from this share of the window (default 0.8). */
  contextWarn?: number;
  /** A weekly ceiling learned before (kept across restarts by the daemon). */
  weekly?: WeeklyCeiling | null;
}

/** Characters of visible output per token, measured on real transcripts (FACTS.md). */
export const CHARS_PER_TOKEN = 4.38;
const MINUTE = 60_000;
const WINDOW_5M = 5 * MINUTE;
/** Between a file's time and its records' times (they come from different writes). */
const CLOCK_MARGIN_MS = 5 * MINUTE;

interface ResponseState {
  /** The winning line, as it counts in the 5-hour blocks. */
  entry: BlockEntry;
  /** The largest count of each kind seen so far, for window deltas. */
  peak: Tokens;
  visibleChars: number;
  lastLineAt: number;
  thinking: number;
  reportedThinking: number | null;
}

export class Engine {
  private responses = new Map<string, ResponseState>();
  /** One entry per deduplicated response, sorted by time: the input to the 5-hour blocks. */
  private entries = new Timeline<BlockEntry>();
  private ticks = new TickLine();
  private newest: { at: number; model: string } | null = null;
  private readonly turns: TurnState;
  private limits: LimitsEvent | null = null;
  private window: WindowEvent | null = null;
  private fuelHealth: Omit<FuelHealth, 'age_s'> | null = null;
  private health: SourceHealth = {
    kind: 'none', ok: true, problems: [], files: 0, records: 0, skipped_lines: 0,
    backfill: { done: true, files_done: 0, files_total: 0 },
  };
  private auto: ReturnType<typeof autoCeiling> = null;
  private autoVersion = '';
  private version = 0;
  /** History before this instant was forgotten by compact(); records older than it are replays. */
  private forgottenBefore = -Infinity;
  /** Finished blocks and recent slots of usage no longer held entry by entry (forgotten, or summarized elsewhere). */
  private readonly history = new History();
  private readonly context: ContextTracker;
  private weekly: WeeklyCeiling | null;
  private price: PriceFn | undefined;
  /** Whose midnight starts "today". The machine's zone is looked up at the first snapshot: ICU takes about 20 ms, which `blocks` never needs. */
  private zone: string | null;
  private late = 0;

  constructor(private readonly settings: EngineSettings) {
    this.turns = new TurnState(settings);
    this.context = new ContextTracker(settings.contextWindow, settings.contextWarn ?? CONTEXT_WARN);
    this.zone = settings.timeZone ?? null;
    this.weekly = settings.weekly ?? null;
    this.price = settings.price;
  }

  /** Prices arrive after start-up (loading the table costs more than the first reading may wait). */
  setPrice(price: PriceFn): void {
    this.price = price;
    this.version++;
  }

  apply(e: GaugeEvent): void {
    if (this.settings.until !== undefined && e.at > this.settings.until) return;
    if (e.kind === 'window') {
      if (!this.window || e.at >= this.window.at) this.window = e;
      return;
    }
    if (e.kind !== 'limits' && e.at < this.forgottenBefore) {
      this.late++; // a resumed session replaying old history: already counted before it was forgotten
      return;
    }
    if (e.kind === 'response') this.applyResponse(e);
    else if (e.kind === 'turn' && e.exact) this.turns.applyExact(e);
    else if (e.kind === 'turn') this.turns.noteRecord(e.at, e.awaiting, e.session);
    else if (!this.limits || e.at >= this.limits.at) this.limits = e;
  }

  setHealth(h: SourceHealth): void {
    this.health = h;
  }

  /** Health of a separate 5-hour window source (hybrid setups); null when there is none. */
  setFuelHealth(h: Omit<FuelHealth, 'age_s'> | null): void {
    this.fuelHealth = h;
  }

  /** Every response's entry, oldest first: what blocks() folds (one-shot reports read them all). */
  responseEntries(): readonly BlockEntry[] { return this.entries.sorted(); }
  /** Every 5-hour block of what this engine holds, with gaps, as ccusage lists them. */
  blocks(now: number): Block[] {
    return computeBlocks(this.entries.sorted(), now, this.price);
  }

  /**
   * Records before this instant cannot change the current block: the newest activity chain
   * starts after a silence of more than 5 h, so anything older than its start minus 5 h is history.
   * Null while nothing is known (everything may matter).
   */
  horizon(): number | null {
    const entries = this.entries.sorted();
    if (entries.length === 0) return null;
    return entries[chainStartIndex(entries)].at - BLOCK_MS;
  }

  /**
   * Responses before this instant no longer move a per-minute window (their visible text only
   * feeds the thinking estimate of the last minutes), and within a transcript the records before
   * such a response are older than that session's newest record: the lines of a file up to its
   * first response after this instant count for the gauges through their usage alone. A margin
   * covers clocks.
   */
  liveSince(now: number): number {
    return now - WINDOW_5M - MINUTE - CLOCK_MARGIN_MS;
  }

  /**
   * Whole files last written before this instant count through their usage alone: every record
   * in them is older than the newest record held, and older than the abandon time (a session
   * silent that long cannot change a lamp).
   */
  usageOnlyBefore(now: number): number {
    const lampsMs = Math.max(this.settings.abandonMinutes, this.settings.stallMinutes) * MINUTE;
    return Math.min(now - lampsMs - CLOCK_MARGIN_MS, this.liveSince(now), this.turns.lastActivityAt ?? -Infinity);
  }

  /**
   * Live mode: forget responses that can no longer change the gauges (everything before the
   * horizon), so memory stays flat however long the daemon runs and however large the history.
   * Call once the history is read; later records older than the horizon are ignored as replays.
   */
  compact(now: number): void {
    if (this.settings.keepAllTicks) return;
    const h = this.horizon();
    const entries = this.entries.sorted();
    if (h === null || entries.length === 0 || entries[0].at >= h) return;
    const n = upperBound(entries, h - 1);
    this.history.fold(entries.slice(0, n), now, this.price);
    this.entries.dropFirst(n);
    for (const [key, st] of this.responses) if (st.entry.at < h) this.responses.delete(key);
    this.forgottenBefore = h;
    this.version++;
  }

  /**
   * Old history summarized elsewhere (it never enters this engine): its finished blocks count for
   * the `auto` ceiling, its last days for the seven-day figure and today's cost.
   */
  noteHistory(part: HistoryPart, now: number): void {
    // Records before the horizon were in that history: a replay of one later is not new usage.
    const h = this.horizon();
    if (h !== null && h > this.forgottenBefore) this.forgottenBefore = h;
    this.history.take(part, now);
  }

  /** The instant the summary of older history should cover up to (the engine counts from there). */
  historyBoundary(now: number): number {
    return this.horizon() ?? now;
  }

  /** The finished blocks the `auto` ceiling is taken from (`calibrate` shows them). */
  finishedBlocks(now: number): FinishedBlock[] {
    const own = this.entries.sorted().filter((e) => e.at >= this.history.boundary);
    return [...this.history.finished(), ...finishedBlocks(computeBlocks(own, now))];
  }

  /** Records ignored because they fell before forgotten history (replays). */
  get lateRecords(): number {
    return this.late;
  }

  get responseCount(): number {
    return this.responses.size;
  }

  private applyResponse(e: ResponseEvent): void {
    let st = this.responses.get(e.key);
    if (!st) {
      const tokens = { ...e.tokens };
      st = {
        entry: { at: e.at, model: e.model, tokens, synthetic: e.synthetic, sidechain: e.sidechain, speed: e.speed, cache1h: e.cacheCreation1h },
        // Blocks alone never look at the peak: the entry's counts stand in (one object less per response).
        peak: this.settings.blocksOnly ? tokens : { ...e.tokens },
        visibleChars: 0, lastLineAt: -Infinity, thinking: 0, reportedThinking: null,
      };
      this.responses.set(e.key, st);
      this.insertEntry(st.entry);
      if (!this.settings.blocksOnly) this.pushDelta(e.at, e.tokens, st, e);
    } else {
      if (beats(e, st.entry)) {
        // The winning line stands for the response whole, timestamp included (as ccusage 20 does).
        const entry = st.entry;
        entry.tokens = { ...e.tokens };
        entry.model = e.model;
        entry.synthetic = e.synthetic;
        entry.sidechain = e.sidechain;
        entry.speed = e.speed;
        entry.cache1h = e.cacheCreation1h;
        entry.cost = undefined; // priced again when asked
        if (e.at !== entry.at) this.moveEntry(entry, e.at);
        this.version++;
      }
      if (this.settings.blocksOnly) return this.noteResponse(e);
      // The live windows see growth only: each kind of token counts once, at the line that added it.
      const p = st.peak;
      const delta = tokenGrowth(e.tokens, p);
      const grew = totalTokens(delta) > 0;
      if (grew) st.peak = addTokens(p, delta);
      this.pushDelta(e.at, grew ? delta : null, st, e);
    }
    this.noteResponse(e);
  }

  private noteResponse(e: ResponseEvent): void {
    this.turns.noteRecord(e.at, false, e.session);
    if (!this.settings.blocksOnly) this.context.note(e);
    if (!e.synthetic && (!this.newest || e.at >= this.newest.at)) this.newest = { at: e.at, model: e.model };
  }

  /** Window ticks: token growth plus the change in this response's thinking figure. */
  private pushDelta(at: number, delta: Tokens | null, st: ResponseState, e: ResponseEvent): void {
    // Streamed lines move forward in time; a replayed line (resumed session) does not, so its text is not counted again.
    if (at > st.lastLineAt || (delta && delta.output > 0)) st.visibleChars += e.visibleChars;
    st.lastLineAt = Math.max(st.lastLineAt, at);
    if (e.thinkingReported !== null) st.reportedThinking = Math.max(st.reportedThinking ?? 0, e.thinkingReported);
    const thinking = e.noThinking ? 0 : st.reportedThinking ?? Math.max(0, Math.round(st.peak.output - st.visibleChars / CHARS_PER_TOKEN));
    const dThinking = thinking - st.thinking;
    st.thinking = thinking;
    if (!delta && dThinking === 0) return;
    this.ticks.add({
      at,
      input: delta?.input ?? 0,
      output: delta?.output ?? 0,
      cacheCreation: delta?.cacheCreation ?? 0,
      cacheRead: delta?.cacheRead ?? 0,
      thinking: dThinking,
      reported: e.noThinking ? null : st.reportedThinking !== null,
    });
  }

  private insertEntry(entry: BlockEntry): void {
    this.entries.push(entry);
    this.version++;
  }

  private moveEntry(entry: BlockEntry, at: number): void {
    entry.at = at; // it keeps its first copy's place among equal times, as in ccusage
    this.entries.moved();
  }

  /** Forget window detail that no window can see any more (live mode keeps memory flat). */
  trim(now: number): void {
    if (!this.settings.keepAllTicks) this.ticks.dropUntil(now - WINDOW_5M - MINUTE);
    this.turns.trim(now);
  }

  private ceiling(now: number): { value: number; source: Snapshot['window_5h_ceiling_source']; blocks: number | null } {
    if (typeof this.settings.ceiling === 'number') return { value: this.settings.ceiling, source: 'configured', blocks: null };
    // Blocks finish as time passes too: the hour is part of what the answer depends on.
    const version = `${this.version}:${this.history.version}:${Math.floor(now / 3_600_000)}`;
    if (this.autoVersion !== version) {
      this.auto = autoCeiling(recentBlocks(this.finishedBlocks(now), now));
      this.autoVersion = version;
    }
    return this.auto
      ? { value: this.auto.tokens, source: 'auto', blocks: this.auto.blocks }
      : { value: this.settings.defaultCeiling, source: 'default', blocks: null };
  }

  /** The weekly ceiling: learned again from each fresh seven-day figure once all history is counted. */
  weeklyCeiling = (): WeeklyCeiling | null => this.weekly;

  snapshot(now: number): Snapshot {
    const s = this.settings;
    const w1 = this.ticks.sum(now - MINUTE, now);
    const w5 = this.ticks.sum(now - WINDOW_5M, now);
    const rate = w1.input + w1.output + w1.cacheCreation + w1.cacheRead;
    const tokens5m = w5.input + w5.output + w5.cacheCreation + w5.cacheRead;
    const cacheDenom = w5.input + w5.cacheRead + w5.cacheCreation;
    const cacheHit = cacheDenom > 0 ? w5.cacheRead / cacheDenom : 0;
    const thinkingRatio = w5.output > 0 ? clamp01(w5.thinking / w5.output) : 0;

    const outside = this.window && now - this.window.at <= this.window.freshMs ? this.window : null;
    const entries = this.entries.sorted();
    const block = outside ? reportedBlock(outside, now) : activeBlock(entries, now);
    const ceiling = this.ceiling(now);
    const blockTokens = block ? block.totalTokens : 0;
    const estimatePct = block && ceiling.value > 0 ? clamp01(blockTokens / ceiling.value) : 0;
    const five = this.limits?.fiveHour && this.limits.fiveHour.resetsAt > now ? this.limits.fiveHour : null;
    const seven = this.limits?.sevenDay && this.limits.sevenDay.resetsAt > now ? this.limits.sevenDay : null;
    const fuel = five ? clamp01(five.usedPercentage / 100) : estimatePct;

    const { inFlight, turnStalled, activeNow, fromHooks } = this.turns.figures(now);
    const stall = turnStalled || !this.health.ok;
    const lastActivityAt = this.turns.lastActivityAt;
    const wroteLastMinute = lastActivityAt !== null && now - lastActivityAt < MINUTE;
    const hot = rate > s.redline;
    if (seven && this.limits && this.health.backfill.done) this.weekly = learnWeekly(seven, this.limits.at, entries, this.history) ?? this.weekly;
    const ahead = outlook({
      now, entries, chainStart: entries.length ? entries[chainStartIndex(entries)].at : null, history: this.history, price: this.price,
      timeZone: (this.zone ??= zoneOrDefault(null).tz), fuel, fromStatusline: !!five, block, ceiling: ceiling.value,
      resetsAt: five ? five.resetsAt : block ? block.end : null, weekly: this.weekly, context: this.context.figure(),
    });
    const warn = fuel > 0.8 || (wroteLastMinute && cacheDenom > 0 && cacheHit < s.cacheFloor);

    return {
      rate_1m: rate,
      window_5h_tokens: blockTokens,
      window_5h_pct: fuel,
      thinking_ratio: thinkingRatio,
      cache_hit_rate: cacheHit,
      last_model: modelFamily(this.newest?.model),
      hot,
      warn,
      stall,
      idle: !stall && !activeNow,
      updated_at: new Date(now).toISOString(),
      schema_version: SCHEMA_VERSION,
      seq: 0,
      gauges: gaugePositions({ fuel, rate, redline: s.redline, thinkingRatio, cacheHit }),
      last_model_id: this.newest?.model ?? null,
      window_5h_source: five ? 'statusline' : 'estimate',
      window_5h_estimate_pct: estimatePct,
      window_5h_ceiling: ceiling.value,
      window_5h_ceiling_source: ceiling.source,
      window_5h_block_start: block ? iso(block.start) : null,
      window_5h_block_end: block ? iso(block.end) : null,
      window_5h_resets_at: five ? iso(five.resetsAt) : block ? iso(block.end) : null,
      seven_day_pct: seven ? clamp01(seven.usedPercentage / 100) : null,
      seven_day_resets_at: seven ? iso(seven.resetsAt) : null,
      tach_redline: s.redline,
      thinking_source: w5.reportedTicks && w5.estimatedTicks ? 'mixed' : w5.reportedTicks ? 'reported' : w5.estimatedTicks ? 'estimated' : 'none',
      tokens_5m: tokens5m,
      last_activity_at: lastActivityAt === null ? null : iso(lastActivityAt),
      turn_in_flight: inFlight,
      turn_source: fromHooks ? 'hooks' : 'transcripts',
      stall_reason: turnStalled ? 'turn-silent' : !this.health.ok ? 'source-broken' : null,
      source: this.health,
      window_5h_tokens_from: outside ? outside.origin : 'local',
      fuel_source: this.fuelHealth && { ...this.fuelHealth, age_s: this.window ? Math.max(0, Math.round((now - this.window.at) / 1000)) : null },
      window_5h_ceiling_blocks: ceiling.blocks,
      ...ahead,
    };
  }
}

/** The active block another tool reported, or null when it reported none (or it has ended since). */
function reportedBlock(w: WindowEvent, now: number): { start: number; end: number; totalTokens: number } | null {
  return w.blockStart !== null && w.blockEnd !== null && w.blockEnd > now ? { start: w.blockStart, end: w.blockEnd, totalTokens: w.tokens } : null;
}

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);
const iso = (ms: number): string => new Date(ms).toISOString();
