import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fixtureCopy, ROOT } from '../../../test/helpers/cli.js';
import { rootFor } from '../../../test/helpers/unprivileged.js';
import { discover, discoverInSteps, discoverShallow, SUBAGENT_GRACE_MS } from './discover.js';

test('finds transcripts, subagent files and symlinked project folders, each once', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'cg-disc-'));
  const cfg = path.join(root, 'cfg');
  const proj = path.join(cfg, 'projects', '-home-p');
  await fs.mkdir(path.join(proj, 'sess', 'subagents'), { recursive: true });
  await fs.writeFile(path.join(proj, 'sess.jsonl'), '{}\n');
  await fs.writeFile(path.join(proj, 'sess', 'subagents', 'agent-a1.jsonl'), '{}\n');
  await fs.writeFile(path.join(proj, 'notes.txt'), 'x');
  const elsewhere = path.join(root, 'elsewhere', '-home-q');
  await fs.mkdir(elsewhere, { recursive: true });
  await fs.writeFile(path.join(elsewhere, 'x.jsonl'), '{}\n');
  await fs.symlink(elsewhere, path.join(cfg, 'projects', '-home-q'), 'dir');
  await fs.symlink(path.join(cfg, 'projects'), path.join(proj, 'loop'), 'dir'); // a cycle
  const d = discover([cfg, path.join(root, 'missing')]);
  const names = d.files.map((f) => path.basename(f.path)).sort();
  assert.deepEqual(names, ['agent-a1.jsonl', 'sess.jsonl', 'x.jsonl']);
  assert.deepEqual(d.problems, []);
});

test('no projects folder anywhere is a problem with a fix in the message', async () => {
  const d = discover([path.join(os.tmpdir(), 'cg-none-' + process.pid)]);
  assert.equal(d.files.length, 0);
  assert.match(d.problems[0], /set CLAUDE_CONFIG_DIR/);
});

test('an unreadable folder is reported and the rest is still found', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'cg-perm-'));
  await fs.chmod(root, 0o755);
  const locked = path.join(root, 'projects', 'locked');
  await fs.mkdir(locked, { recursive: true });
  await fs.chmod(path.join(root, 'projects'), 0o755);
  await fs.writeFile(path.join(root, 'projects', 'ok.jsonl'), '{}\n');
  await fs.chmod(locked, 0o000);
  try {
    // Root reads everything, so as root the check runs as an unprivileged user in a child process.
    const d = process.getuid?.() === 0 ? await discoverAs(65534, root) : discover([root]);
    assert.equal(d.files.length, 1);
    assert.match(d.problems[0], /cannot read .*locked/);
  } finally {
    await fs.chmod(locked, 0o755);
  }
});

function discoverAs(uid: number, root: string, fn: 'discover' | 'discoverShallow' = 'discover'): Promise<{ files: unknown[]; problems: string[] }> {
  // Discovery must not throw whatever it meets: a throw fails the child, and this test with it.
  // The module from a copy that user can read when the checkout is closed to it.
  const mod = pathToFileURL(path.join(rootFor(uid), path.relative(ROOT, fileURLToPath(new URL('./discover.js', import.meta.url))))).href;
  const code = `import(${JSON.stringify(mod)}).then(async (m) => process.stdout.write(JSON.stringify(await m.${fn}([${JSON.stringify(root)}]))))`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', code], { uid, gid: uid }, (err, out) => (err ? reject(err) : resolve(JSON.parse(out))));
  });
}

test('the shallow listing leaves session folders for later, and listing them gives exactly the full listing', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'cg-shallow-'));
  const proj = path.join(root, 'projects', '-home-p');
  await fs.mkdir(path.join(proj, 's1', 'subagents'), { recursive: true });
  await fs.mkdir(path.join(proj, 'orphan', 'subagents'), { recursive: true }); // no s.jsonl beside it: listed at once
  await fs.writeFile(path.join(proj, 's1.jsonl'), '{}\n');
  await fs.writeFile(path.join(proj, 's1', 'subagents', 'agent-a.jsonl'), '{}\n');
  await fs.writeFile(path.join(proj, 's1', 'subagents', 'agent-b.jsonl'), '{}\n');
  await fs.writeFile(path.join(proj, 'orphan', 'subagents', 'agent-c.jsonl'), '{}\n');
  const t = new Date('2026-03-01T10:00:00Z');
  await fs.utimes(path.join(proj, 's1.jsonl'), t, t);
  const shallow = discoverShallow([root]);
  const names = (fs2: { path: string }[]) => fs2.map((f) => path.basename(f.path)).sort();
  assert.deepEqual(names(shallow.files), ['agent-c.jsonl', 's1.jsonl']);
  assert.equal(shallow.deferred.length, 1);
  assert.equal(shallow.deferred[0].path, path.join(proj, 's1'));
  assert.equal(shallow.deferred[0].writtenBy, t.getTime() + SUBAGENT_GRACE_MS);
  assert.deepEqual(names(shallow.expand(shallow.deferred[0])), ['agent-a.jsonl', 'agent-b.jsonl']);
  assert.deepEqual(names(shallow.files), names(discover([root]).files));
});

test('the listing in steps gives exactly the full listing, and lets other work run between its steps', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'cg-steps-'));
  const proj = path.join(root, 'projects', '-home-p');
  // Project folders are steps too: on a large history their listing in one go held the thread 25-32 ms.
  for (let p = 0; p < 6; p++) {
    await fs.mkdir(path.join(root, 'projects', `-home-other-${p}`), { recursive: true });
    await fs.writeFile(path.join(root, 'projects', `-home-other-${p}`, 'only.jsonl'), '{}\n');
  }
  for (let s = 0; s < 5; s++) {
    await fs.mkdir(path.join(proj, `s${s}`, 'subagents'), { recursive: true });
    await fs.writeFile(path.join(proj, `s${s}.jsonl`), '{}\n');
    for (const a of ['a', 'b']) await fs.writeFile(path.join(proj, `s${s}`, 'subagents', `agent-${a}.jsonl`), '{}\n');
  }
  await fs.symlink('nowhere.jsonl', path.join(proj, 's0', 'subagents', 'dangling.jsonl')); // a problem inside a session folder
  const sorted = (d: Awaited<ReturnType<typeof discoverInSteps>>) => ({ ...d, files: [...d.files].sort((a, b) => (a.path < b.path ? -1 : 1)), problems: [...d.problems].sort() });
  let ran = 0;
  let listing = true;
  const other = () => {
    ran++; // once per turn of the event loop
    if (listing) setImmediate(other);
  };
  setImmediate(other);
  const steps = await discoverInSteps([root], 0); // a step per project folder and per session folder
  listing = false;
  assert.equal(steps.files.length, 21);
  assert.deepEqual(sorted(steps), sorted(discover([root])));
  assert.ok(steps.problems.some((p) => p.includes('dangling.jsonl')), 'the session folder\'s problem is kept');
  assert.ok(ran >= 11, `other work ran between the steps: 7 project folders, 5 session folders (${ran} turns)`);
});

/** A projects tree with every kind of hostile entry beside two good transcripts. */
async function hostileTree(): Promise<{ root: string; proj: string; good: string[]; locked: string }> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'cg-hostile-'));
  await fs.chmod(root, 0o755);
  const proj = path.join(root, 'projects', '-home-p');
  await fs.mkdir(proj, { recursive: true });
  await fs.chmod(path.join(root, 'projects'), 0o755);
  await fs.chmod(proj, 0o755);
  const good = [path.join(proj, 'ok.jsonl'), path.join(proj, 'sess', 'subagents', 'agent-a.jsonl')];
  await fs.mkdir(path.dirname(good[1]), { recursive: true });
  for (const f of good) await fs.writeFile(f, '{}\n');
  await fs.chmod(path.join(proj, 'sess'), 0o755);
  await fs.chmod(path.dirname(good[1]), 0o755);
  await fs.symlink('b', path.join(proj, 'a')); // a loop: a -> b -> a
  await fs.symlink('a', path.join(proj, 'b'));
  await fs.symlink('self.jsonl', path.join(proj, 'self.jsonl')); // a self-link
  await fs.symlink('nowhere.jsonl', path.join(proj, 'dangling.jsonl'));
  await fs.symlink(path.join(good[0], 'sub'), path.join(proj, 'through-a-file.jsonl')); // ENOTDIR
  await new Promise<void>((resolve, reject) => execFile('mkfifo', [path.join(proj, 'pipe.jsonl')], (err) => (err ? reject(err) : resolve())));
  // A folder that lists but cannot be entered (read, no search permission): its entries' types
  // show, every stat of them fails. Only real for a user other than root.
  const locked = path.join(proj, 'locked');
  await fs.mkdir(locked);
  await fs.writeFile(path.join(locked, 'x.jsonl'), '{}\n');
  await fs.chmod(locked, 0o444);
  return { root, proj, good, locked };
}

test('link loops, a self-link, a link to nothing, a link through a file, a FIFO and a folder that cannot be entered: each a problem line, never a throw; every good file listed', async () => {
  const { root, proj, good, locked } = await hostileTree();
  try {
    // As root the locked folder is entered all the same: the listing runs as an unprivileged user.
    const d = process.getuid?.() === 0 ? await discoverAs(65534, root) : discover([root]);
    const files = (d.files as { path: string }[]).map((f) => f.path).sort();
    assert.deepEqual(files, [...good].sort());
    const want = [
      `cannot read ${path.join(proj, 'a')}: ELOOP`,
      `cannot read ${path.join(proj, 'b')}: ELOOP`,
      `cannot read ${path.join(proj, 'self.jsonl')}: ELOOP`,
      `cannot follow ${path.join(proj, 'dangling.jsonl')}: a link to nothing`,
      `cannot read ${path.join(proj, 'through-a-file.jsonl')}: ENOTDIR`,
      `skipped ${path.join(proj, 'pipe.jsonl')}: a FIFO, not a regular file`,
      `cannot read ${path.join(locked, 'x.jsonl')}: EACCES`,
    ];
    assert.deepEqual([...d.problems].sort(), want.sort());
    // The shallow listing (start-up) meets the same entries the same way.
    const shallow = process.getuid?.() === 0 ? await discoverAs(65534, root, 'discoverShallow') : discoverShallow([root]);
    assert.deepEqual([...shallow.problems].sort(), want.sort());
  } finally {
    await fs.chmod(locked, 0o755);
  }
});

test("the rescan's listing in steps finds what one listing finds: real transcripts, a symlinked loop, a missing folder", async () => {
  const dir = await fixtureCopy();
  await fs.symlink(path.join(dir, 'projects'), path.join(dir, 'projects', 'loop'), 'dir');
  const canonical = (d: Awaited<ReturnType<typeof discoverInSteps>>) => ({ ...d, files: d.files.map((f) => `${f.path} ${f.size} ${f.mtimeMs} ${f.id}`).sort(), problems: [...d.problems].sort() });
  const once = discover([dir]);
  assert.ok(once.files.length > 10);
  assert.deepEqual(canonical(await discoverInSteps([dir], 0)), canonical(once));
  const missing = path.join(dir, 'nothing-here');
  assert.deepEqual(canonical(await discoverInSteps([missing], 0)), canonical(discover([missing])));
});
