// A stand-in for an agent runtime: a separate Node process that starts one sandboxed command with
// spawnSandboxed, forwards its stdout, and then just waits, so a test can SIGKILL this parent
// mid-run. Run by vite-node (it loads lib/ from source). Argument: JSON {argv, cwd, policy, backend}.
import { spawnSandboxed } from '../../../lib/spawn/spawn-sandboxed';

const { argv, cwd, policy, backend } = JSON.parse(process.argv[2] ?? '{}') as {
  argv: string[];
  cwd: string;
  policy: unknown;
  backend: 'auto' | 'bwrap' | 'landlock';
};
const child = spawnSandboxed(argv, { cwd, permissionProfile: policy, backend, stdio: ['ignore', 'pipe', 'inherit'] });
process.stdout.write(`sandbox-pid ${child.pid}\n`);
child.stdout?.pipe(process.stdout);
// Keep the event loop alive until killed.
setInterval(() => undefined, 60_000);
