// The codex-sandbox CLI from source, for tests that must run it as a user would (for example on a
// terminal that is its controlling tty). Run by vite-node. Argument: the CLI argv as one JSON list.
import { runCli } from '../../../lib/cli/main';

runCli(JSON.parse(process.argv[2] ?? '[]') as string[], 'codex-sandbox').then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`cli-entry: ${String(err)}\n`);
    process.exit(125);
  },
);
