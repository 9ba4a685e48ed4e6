// The program a Bash call runs, as a person names it; any input gives a name or null, never a throw.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { executableOf } from './command.js';
import { denialOf, extensionOf, interruptOf, toolDetail } from './tool-detail.js';

test('the program of a command line: setup steps, assignments, wrappers, paths, pipelines, quotes', () => {
  const cases: [string, string | null][] = [
    ['git status', 'git'],
    ['  ls -la', 'ls'],
    ['cd /path/to/app && npx tsc --noEmit', 'npx'],
    ['cd a; cd b && make -j4', 'make'],
    ['cd /tmp', 'cd'],
    ['MIX_ENV=test mix test 2>&1', 'mix'],
    ['A=1 B="x y" node app.js', 'node'],
    ['export PATH=$PATH:/x && cargo build', 'cargo'],
    ['source .venv/bin/activate && pytest -q', 'pytest'],
    ['. ~/.nvm/nvm.sh; nvm use 20', 'nvm'],
    ['sudo apt-get install -y jq', 'apt-get'],
    ['sudo -u postgres psql -c "select 1"', 'psql'],
    ['env -u DEBUG FOO=1 python3 x.py', 'python3'],
    ['timeout 30 npm test', 'npm'],
    ['timeout -s KILL 5m ./run.sh', 'run.sh'],
    ['time nice -n 10 make', 'make'],
    ['nohup ./server &', 'server'],
    ['/usr/bin/python3 -c "print(1)"', 'python3'],
    ['./node_modules/.bin/tsc -p .', 'tsc'],
    ['cat a.txt | grep foo | wc -l', 'cat'],
    ['find . -name "*.ts" -exec grep -l "a && b" {} \\;', 'find'],
    ["echo 'cd x && rm -rf /' > note.txt", 'echo'],
    ['(cd sub && go test ./...)', 'go'],
    ['{ cd x; ls; }', 'ls'],
    ['> out.log 2>&1 make', 'make'],
    ['# just a comment\ngit log --oneline', 'git'],
    ['cd repo && \\\n  bd ready', 'bd'],
    ['git add -A &>/dev/null && git commit -m "a; b"', 'git'],
    ['bash -c \'source x.sh && run\'', 'bash'],
    ['sudo', 'sudo'],
    ['', null],
    ['   ', null],
    ['X=1', null],
  ];
  for (const [cmd, want] of cases) assert.equal(executableOf(cmd), want, JSON.stringify(cmd));
});

test('any string gives a short name without a folder, or null, and never throws', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (s) => {
      const name = executableOf(s);
      assert.ok(name === null || (name.length > 0 && name.length <= 64 && !name.includes('/')), JSON.stringify([s, name]));
    }),
    { numRuns: 2000 },
  );
});

test('tool details keep a path and an extension, or a program, and nothing else', () => {
  assert.deepEqual(toolDetail('Edit', { file_path: '/p/src/App.TSX', old_string: 'secret', new_string: 'x' }), { executable: null, file: '/p/src/App.TSX', ext: 'tsx' });
  assert.deepEqual(toolDetail('NotebookEdit', { notebook_path: '/p/a.ipynb', new_source: 'x' }), { executable: null, file: '/p/a.ipynb', ext: 'ipynb' });
  assert.deepEqual(toolDetail('Bash', { command: 'cd x && npm test -- --token=abc' }), { executable: 'npm', file: null, ext: null });
  assert.deepEqual(toolDetail('Grep', { pattern: 'x', path: '/p' }), { executable: null, file: null, ext: null });
  assert.deepEqual(toolDetail('Read', null), { executable: null, file: null, ext: null });
  assert.deepEqual(['/a/Makefile', '/a/.bashrc', '/a/b.tar.gz', 'C:\\x\\y.PY', '/a.b/c'].map(extensionOf), ['', '', 'gz', 'py', '']);
});

test('denials: the prompt refused, a deny rule, nobody to ask; an interrupt or a plain error is none', () => {
  const err = (content: unknown) => ({ is_error: true, content });
  assert.equal(denialOf(err("The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file edit, the new_string was NOT written to the file). STOP what you are doing and wait for the user to tell you how to proceed."), 'User rejected tool use'), 'rejected');
  assert.equal(denialOf(err([{ type: 'text', text: "The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file edit, the new_string was NOT written to the file). To tell you how to proceed, the user said:\nuse pnpm" }]), undefined), 'rejected');
  assert.equal(denialOf(err('Permission to use Bash with command rm -rf /tmp/x has been denied.'), undefined), 'rule');
  assert.equal(denialOf(err("Claude requested permissions to write to /p/CLAUDE.md, but you haven't granted it yet."), undefined), 'not_granted');
  assert.equal(denialOf(err("The user doesn't want to take this action right now. STOP what you are doing and wait for the user to tell you how to proceed."), undefined), null);
  assert.equal(denialOf(err('Exit code 1'), undefined), null);
  assert.equal(denialOf({ content: "The user doesn't want to proceed with this tool use." }, undefined), null, 'not an error result');
  assert.deepEqual(['[Request interrupted by user]', '[Request interrupted by user for tool use]', 'please stop'].map(interruptOf), ['turn', 'tool', null]);
});
