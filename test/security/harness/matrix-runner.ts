// One capability set of the fail-closed matrix, run in its own process (capabilities are probed
// once per process, and the set is made real by how this process was started: a PATH without
// bwrap, or under seccomp-launcher). For every shape x backend it either records the refusal or
// runs the access probe in the sandbox and records each access next to explain()'s answer.
// Run by vite-node. Argument: JSON {root, shapes?, backends?}; prints the probed capabilities, one
// JSON line per cell, then "done".
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

import { explain, parsePolicyInput, probeCapabilities, resolvePolicy } from '../../../lib/index';
import { runSandboxed } from '../../../lib/spawn/run-sandboxed';
import { ACCESSES, BACKEND_CHOICES, buildMatrixTree, SHAPES } from './matrix-shapes';
import { parseReport } from './run-probe';

export interface MatrixCell {
  shape: string;
  backend: string;
  refused?: { code: string; message: string };
  ran?: {
    backend: string;
    exitCode: number | null;
    stderr: string;
    /** Each access: what explain() says and what the sandbox did (undefined: the probe never got there). */
    accesses: { access: string; expected: boolean; observed?: boolean; errno?: string | null }[];
  };
}

async function main(): Promise<void> {
  const { root, shapes, backends } = JSON.parse(process.argv[2] ?? '{}') as { root: string; shapes?: string[]; backends?: string[] };
  const server = createServer((c) => c.destroy());
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  const port = (server.address() as { port: number }).port;
  const caps = probeCapabilities();
  process.stdout.write(`${JSON.stringify({ capabilities: caps })}\n`);
  let n = 0;
  for (const [shape, policyOf] of Object.entries(SHAPES)) {
    if (shapes !== undefined && !shapes.includes(shape)) continue;
    for (const backend of BACKEND_CHOICES) {
      if (backends !== undefined && !backends.includes(backend)) continue;
      const cellRoot = join(root, `cell-${n++}`);
      mkdirSync(cellRoot);
      const tree = buildMatrixTree(cellRoot);
      const policy = policyOf(tree);
      const resolved = resolvePolicy(parsePolicyInput(policy), { cwd: tree.ws });
      const args = [...ACCESSES.map((a) => `${a[0]}:${join(cellRoot, a.slice(2))}`), `n:127.0.0.1:${port}`];
      const expected = (arg: string): boolean =>
        arg.startsWith('n:') ? resolved.policy.network === 'enabled' : explain(resolved, arg.slice(2), arg[0] === 'r' ? 'read' : 'write').allowed;
      const cell: MatrixCell = { shape, backend };
      try {
        const res = await runSandboxed(['/usr/bin/python3', tree.probesPy, 'access', ...args], {
          cwd: tree.ws,
          permissionProfile: policy,
          backend,
          env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
          timeoutMs: 30_000,
        });
        const report = parseReport(res.stdout);
        cell.ran = {
          backend: res.plan.backend,
          exitCode: res.exitCode,
          stderr: res.stderr.trim().slice(0, 300),
          accesses: args.map((arg) => {
            const op = report?.ops.find((o) => o.op === arg);
            const label = arg.startsWith('n:') ? 'n:network' : `${arg[0]}:${arg.slice(2 + cellRoot.length + 1)}`;
            return op === undefined ? { access: label, expected: expected(arg) } : { access: label, expected: expected(arg), observed: op.ok, errno: op.errno };
          }),
        };
      } catch (err) {
        const e = err as { code?: string; message?: string };
        if (typeof e.code !== 'string' || !e.code.startsWith('E_')) throw err;
        cell.refused = { code: e.code, message: String(e.message) };
      }
      process.stdout.write(`${JSON.stringify(cell)}\n`);
    }
  }
  server.close();
  process.stdout.write('done\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`matrix-runner: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
