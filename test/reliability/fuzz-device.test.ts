// The device line, fuzzed from both ends for 60 s at once: libFuzzer (clang-14, ASan/UBSan) on the
// firmware's C++ parser, and fast-check on the daemon's renderer, every rendered line fed to the
// same C++ parser (a host build of firmware/src/core/device_line.cpp) and read back number for number.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import fc from 'fast-check';
import type { Snapshot } from '../../src/core/snapshot.js';
import { gaugePositions } from '../../src/engine/scale.js';
import { deviceLine } from '../../src/sinks/device.js';
import { ROOT } from '../helpers/cli.js';
import { FUZZ_SECONDS, fuzzFor } from './fuzz-loop.js';

const FW = path.join(ROOT, 'firmware');
const dir = mkdtempSync(path.join(os.tmpdir(), 'cg-fuzz-device-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function fuzzerRuntime(): boolean {
  const r = spawnSync('clang++-14', ['-print-runtime-dir'], { encoding: 'utf8' });
  try {
    return r.status === 0 && readdirSync(r.stdout.trim()).some((f) => f.startsWith('libclang_rt.fuzzer'));
  } catch {
    return false;
  }
}
const missing = !fuzzerRuntime() ? 'clang-14 with libFuzzer (apt-get install clang-14 libclang-rt-14-dev)' : spawnSync('g++', ['--version']).status !== 0 ? 'g++' : null;
const skip = missing && !process.env.CI ? `${missing} missing; skipped outside CI` : false;

function build(cxx: string, out: string, sources: string[], flags: string[]): void {
  const r = spawnSync(cxx, ['-std=c++17', '-g', '-O1', '-Wall', '-Wextra', '-Werror', ...flags, '-I', path.join(FW, 'src'), ...sources, path.join(FW, 'src', 'core', 'device_line.cpp'), '-o', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${cxx} failed:\n${r.stderr}`);
}

/** The C++ parser as a line-in, line-out process. */
class Parser {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((line: string) => void)[] = [];
  constructor(bin: string) {
    this.child = spawn(bin, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout }).on('line', (l) => this.waiting.shift()?.(l));
  }
  parse(line: string): Promise<string> {
    assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'));
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.stdin.write(line);
    });
  }
  close(): void {
    this.child.stdin.end();
  }
}

const families = ['other', 'opus', 'sonnet', 'haiku'] as const;
const anyNumber = fc.oneof(fc.double(), fc.double({ min: 0, max: 2, noNaN: true }), fc.constantFrom(0, 1, 0.0005, 0.9995, -0, Infinity, -Infinity, NaN));

/** Every snapshot the daemon can make: gauges through the engine's own mapping from any payload values. */
const snapshot = fc.record({
  seq: fc.oneof(fc.nat(), fc.maxSafeNat(), fc.constantFrom(0xffffffff, 0x100000000, 0x1ffffffff)),
  updated: fc.integer({ min: 0, max: Date.parse('2200-01-01') }),
  lag: fc.oneof(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 1e13 })),
  payload: fc.record({ fuel: anyNumber, rate: anyNumber, redline: anyNumber, thinkingRatio: anyNumber, cacheHit: anyNumber }),
  model: fc.constantFrom(...families),
  hot: fc.boolean(),
  warn: fc.boolean(),
  stall: fc.boolean(),
  idle: fc.boolean(),
  runsOut: fc.boolean(),
});

test('the device line: libFuzzer on the firmware parser and every rendered snapshot read back by it (60 s each, at once)', { skip, timeout: 300_000 }, async (t) => {
  const fuzzer = path.join(dir, 'fuzz_device_line');
  const harness = path.join(dir, 'parse_lines');
  build('clang++-14', fuzzer, [path.join(FW, 'test', 'fuzz', 'fuzz_device_line.cpp')], ['-fsanitize=fuzzer,address,undefined', '-fno-sanitize-recover=all']);
  build('g++', harness, [path.join(FW, 'test', 'host', 'parse_lines.cpp')], ['-fsanitize=address,undefined', '-fno-sanitize-recover=all']);

  // libFuzzer runs in its own process while the property runs here.
  const corpus = path.join(dir, 'corpus');
  cpSync(path.join(FW, 'test', 'fuzz', 'corpus'), corpus, { recursive: true });
  const seconds = Math.max(1, FUZZ_SECONDS);
  const lf = spawn(fuzzer, [`-max_total_time=${seconds}`, '-max_len=256', '-timeout=5', '-print_final_stats=1', `-artifact_prefix=${dir}/crash-`, corpus], { env: { ...process.env, UBSAN_OPTIONS: 'halt_on_error=1' } });
  let lfOut = '';
  lf.stdout.on('data', (c) => (lfOut += c));
  lf.stderr.on('data', (c) => (lfOut += c));
  const lfDone = new Promise<number | null>((resolve) => lf.on('close', resolve));

  const parser = new Parser(harness);
  const rendersAndReadsBack = fc.asyncProperty(snapshot, async (s) => {
    const snap = {
      seq: s.seq, updated_at: new Date(s.updated).toISOString(), gauges: gaugePositions(s.payload),
      last_model: s.model, hot: s.hot, warn: s.warn, stall: s.stall, idle: s.idle, window_5h_runs_out: s.runsOut,
    } as unknown as Snapshot; // deviceLine reads only these fields
    const line = deviceLine(snap, s.updated + s.lag);
    assert.ok(Buffer.byteLength(line) <= 128, line);
    const got = await parser.parse(line);
    const g = snap.gauges;
    for (const v of [g.fuel, g.tach, g.temp, g.boost]) assert.ok(Number.isInteger(v) && v >= 0 && v <= 1000, `a needle position: ${v}`);
    const age = Math.min(0xffffffff, Math.max(0, s.lag));
    const want = `ok 1 ${s.seq % 2 ** 32} ${age} ${g.fuel} ${g.tach} ${g.temp} ${g.boost} ${families.indexOf(s.model)} ${(s.hot ? 1 : 0) | (s.warn ? 2 : 0) | (s.stall ? 4 : 0) | (s.idle ? 8 : 0) | (s.runsOut ? 16 : 0)}`;
    assert.equal(got, want, `line ${JSON.stringify(line)}`);
  });
  let report;
  try {
    report = await fuzzFor('device line', [{ name: 'rendered snapshots read back by the firmware parser', property: rendersAndReadsBack, batch: 500 }]);
  } finally {
    parser.close();
  }
  const code = await lfDone;
  const runs = /stat::number_of_executed_units:\s*(\d+)/.exec(lfOut)?.[1];
  const perSec = /stat::average_exec_per_sec:\s*(\d+)/.exec(lfOut)?.[1];
  const summary = `${report.summary()}; libFuzzer: ${runs} executions in ${seconds} s (${perSec}/s), exit ${code}`;
  t.diagnostic(summary);
  console.log(summary);
  assert.equal(code, 0, lfOut.split('\n').slice(-40).join('\n'));
  assert.match(lfOut, /Done \d+ runs in \d+ second/);
  assert.ok(Number(runs) > 0);
});
