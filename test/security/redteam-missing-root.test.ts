// Red-team finding R9 (issue #20): protected names apply under every writable root whether or not
// it exists (explain() denies `build/.git/hooks/pre-commit` for a writable root `build`), but the
// bubblewrap plan skipped missing roots, so a command that made `build` itself could write its
// `.git`. The plan now makes such a root for the run and masks its names; what the command writes
// there stays, the stubs and an empty root made only for the run go.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { explain, parsePolicyInput, resolvePolicy } from '../../lib';
import { makeTempDir } from '../helpers/temp';
import { PYTHON } from './harness/fixture';
import { runProbe, type Target } from './harness/run-probe';

const ATTACK = `
import json, os, sys
ops = []
def attempt(op, fn):
    try:
        fn(); ops.append({"op": op, "ok": True, "errno": None, "detail": ""})
    except OSError as e:
        ops.append({"op": op, "ok": False, "errno": __import__("errno").errorcode.get(e.errno), "detail": str(e)})
def hook():
    os.makedirs("build/.git/hooks", exist_ok=True)
    open("build/.git/hooks/pre-commit", "w").write("#!/bin/sh\\necho pwned\\n")
attempt("hook", hook)
attempt("codex", lambda: (os.makedirs("build/.codex", exist_ok=True), open("build/.codex/config.toml", "w").write("x=1\\n")))
def rename_then_hook():
    os.rename("build", "moved")
    hook()
if sys.argv[1] == "rename":
    attempt("rename", rename_then_hook)
if sys.argv[1] == "write-output":
    attempt("output", lambda: open("build/output.txt", "w").write("made by the command\\n"))
print(json.dumps({"probe": "missing-root", "ops": ops}))
`;

let dir: { path: string; remove: () => void };
let ws: string;
beforeEach(() => {
  dir = makeTempDir('missing-root');
  ws = join(dir.path, 'ws');
  mkdirSync(ws);
});
afterEach(() => dir.remove());

function policy(): unknown {
  return {
    type: 'managed',
    file_system: {
      type: 'restricted',
      entries: [
        { path: { type: 'special', value: { kind: 'root' } }, access: 'read' },
        { path: { type: 'special', value: { kind: 'current_working_directory' } }, access: 'write' },
        { path: { type: 'path', path: join(ws, 'build') }, access: 'write' },
      ],
    },
    network: 'restricted',
  };
}

describe.runIf(process.platform === 'linux')('red team R9: protected names under a writable root that does not exist yet', () => {
  it('explain() denies the hook and the .codex config, and allows ordinary files in the missing root', () => {
    const resolved = resolvePolicy(parsePolicyInput(policy()), { cwd: ws });
    expect(explain(resolved, join(ws, 'build/.git/hooks/pre-commit'), 'write').allowed).toBe(false);
    expect(explain(resolved, join(ws, 'build/.codex/config.toml'), 'write').allowed).toBe(false);
    expect(explain(resolved, join(ws, 'build/output.txt'), 'write').allowed).toBe(true);
  });

  it('no sandbox: the probe writes the hook (it can see an escape)', async () => {
    const run = await runProbe({ kind: 'host' }, [PYTHON, '-c', ATTACK, 'only-attack'], { cwd: ws });
    expect(
      run.report?.ops.map((o) => o.ok),
      run.stdout + run.stderr,
    ).toEqual([true, true]);
    expect(existsSync(join(ws, 'build/.git/hooks/pre-commit'))).toBe(true);
  });

  it('bwrap: mkdir build/.git/hooks and writing a hook or build/.codex/config.toml are denied; no stub is left', async () => {
    const target: Target = { kind: 'sandbox', backend: 'bwrap', policy: policy() };
    const run = await runProbe(target, [PYTHON, '-c', ATTACK, 'only-attack'], { cwd: ws });
    expect(run.refused, run.refused?.message).toBeUndefined();
    expect(run.report?.ops, run.stdout + run.stderr).toEqual([expect.objectContaining({ op: 'hook', ok: false }), expect.objectContaining({ op: 'codex', ok: false })]);
    expect(readdirSync(ws), 'the empty build made for the run and its stubs are gone').toEqual([]);
  });

  it('bwrap: moving the made root away and making it again does not unmask its names', async () => {
    const target: Target = { kind: 'sandbox', backend: 'bwrap', policy: policy() };
    const run = await runProbe(target, [PYTHON, '-c', ATTACK, 'rename'], { cwd: ws });
    expect(
      run.report?.ops.map((o) => [o.op, o.ok]),
      run.stdout + run.stderr,
    ).toEqual([
      ['hook', false],
      ['codex', false],
      ['rename', false],
    ]);
    expect(existsSync(join(ws, 'build/.git/hooks/pre-commit')) || existsSync(join(ws, 'moved')), 'nothing of the attack landed').toBe(false);
  });

  it('bwrap: what the command writes in the missing root stays, the masks do not', async () => {
    const target: Target = { kind: 'sandbox', backend: 'bwrap', policy: policy() };
    const run = await runProbe(target, [PYTHON, '-c', ATTACK, 'write-output'], { cwd: ws });
    expect(
      run.report?.ops.map((o) => [o.op, o.ok]),
      run.stdout + run.stderr,
    ).toEqual([
      ['hook', false],
      ['codex', false],
      ['output', true],
    ]);
    expect(readdirSync(join(ws, 'build'))).toEqual(['output.txt']);
    expect(readFileSync(join(ws, 'build/output.txt'), 'utf8')).toBe('made by the command\n');
  });
});
