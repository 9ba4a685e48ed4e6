import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { SourceState } from '../state.js';
import { transcriptsIn, TreeWatcher } from './tree.js';

test('transcripts written into folders the moment they are made are read, though inotify was not watching them yet', async (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'cg-tree-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const shared = new SourceState();
  shared.took({ projectDirs: [root], linkedDirs: [], files: [], problems: [], unreadable: [], unlisted: [] });
  const seen = new Set<string>();
  const tree = new TreeWatcher(shared, (p) => seen.add(p), {});
  await tree.watchRoots();
  t.after(() => tree.close());
  // As Claude Code starts in a new project: the folder, then at once its first session (and a
  // subagent's, a level down). Made in one burst, some land before the watcher can watch their folder.
  const expected: string[] = [];
  for (let i = 0; i < 50; i++) {
    const project = path.join(root, `-home-dev-p${i}`);
    mkdirSync(path.join(project, 'session', 'subagents'), { recursive: true });
    for (const file of [path.join(project, 'session.jsonl'), path.join(project, 'session', 'subagents', 'agent-a.jsonl')]) {
      writeFileSync(file, '{}\n');
      expected.push(file);
    }
  }
  writeFileSync(path.join(root, 'notes.txt'), 'not a folder, not a transcript\n');
  // A new folder with a link back up: read through its real folders only (a walk that followed the
  // link would go round until the heap ran out; the watcher itself may report paths through it).
  const looped = path.join(root, '-home-dev-looped');
  mkdirSync(looped);
  symlinkSync(root, path.join(looped, 'up'));
  writeFileSync(path.join(looped, 'session.jsonl'), '{}\n');
  expected.push(path.join(looped, 'session.jsonl'));
  const deadline = Date.now() + 5000;
  while (expected.some((f) => !seen.has(f)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(expected.filter((f) => !seen.has(f)), [], 'every transcript reported');
  assert.ok(![...seen].some((p) => !p.endsWith('.jsonl')), 'only transcripts reported');
});

test("a new folder's transcripts are read through its real folders, not its links", (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'cg-tree-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const project = path.join(root, '-home-dev-p');
  mkdirSync(path.join(project, 'session', 'subagents'), { recursive: true });
  const files = [path.join(project, 'a.jsonl'), path.join(project, 'session', 'subagents', 'agent-b.jsonl')];
  for (const f of files) writeFileSync(f, '{}\n');
  writeFileSync(path.join(project, 'session', 'notes.md'), 'no\n');
  symlinkSync(root, path.join(project, 'up')); // a loop
  symlinkSync(files[0], path.join(project, 'alias.jsonl')); // the listing's to judge
  assert.deepEqual(transcriptsIn(project).sort(), files.sort());
  assert.deepEqual(transcriptsIn(files[0]), [], 'a file is no folder');
  assert.deepEqual(transcriptsIn(path.join(root, 'gone')), []);
  // A link made to a folder is itself no new folder: its transcripts already have their own paths.
  assert.deepEqual(transcriptsIn(path.join(project, 'up')), [], 'a link to a folder is not walked');
});

test('a folder just made is read again a moment later: a transcript written below it after the first read is found', async (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'cg-tree-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const shared = new SourceState();
  const seen: string[] = [];
  const tree = new TreeWatcher(shared, (p) => seen.push(p), {});
  t.after(() => tree.close());
  const project = path.join(root, '-home-dev-late');
  mkdirSync(path.join(project, 'session', 'subagents'), { recursive: true });
  writeFileSync(path.join(project, 'session.jsonl'), '{}\n');
  // The native watcher's batch for the new folder, handed over before the subagent's file exists
  // (no subscription here: the race is the watcher's, the answer to it this class's).
  (tree as unknown as { onEvents(err: Error | null, events: { type: string; path: string }[]): void }).onEvents(null, [{ type: 'create', path: project }]);
  assert.deepEqual(seen, [path.join(project, 'session.jsonl')], 'what was there at the first read');
  const late = path.join(project, 'session', 'subagents', 'agent-late.jsonl');
  writeFileSync(late, '{}\n');
  const deadline = Date.now() + 3000;
  while (!seen.includes(late) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.ok(seen.includes(late), 'the late transcript was read on the second look');
  // Closed: no look after.
  const closedProject = path.join(root, '-home-dev-closed');
  mkdirSync(closedProject);
  (tree as unknown as { onEvents(err: Error | null, events: { type: string; path: string }[]): void }).onEvents(null, [{ type: 'create', path: closedProject }]);
  await tree.close();
  writeFileSync(path.join(closedProject, 'after.jsonl'), '{}\n');
  await new Promise((r) => setTimeout(r, 800));
  assert.ok(!seen.some((p) => p.endsWith('after.jsonl')), 'nothing read after close');
});
