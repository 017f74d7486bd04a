// arg0/arg0-dispatch: one entry script that acts as several programs, chosen by the name it was
// started under or by its first argument (docs/reference.md#arg0-dispatch).
//
//   name `codex-linux-sandbox`          -> the Linux sandbox entry (cli/linux-sandbox-main)
//   name `apply_patch` / `applypatch`   -> the apply_patch CLI (patch in argv[1] or on stdin)
//   first arg `--codex-run-as-apply-patch PATCH` -> apply PATCH in the cwd, exit 0 or 1
//   otherwise: optionally load $CODEX_HOME/.env (and its conditional .env.<suffix> overlays) and
//   put the alias folder first on PATH, then
//   return so the caller's own program runs.
//
// For a node program the "name" is the script, process.argv[1], compared exactly (no `.js`
// stripping), as the reference compares its executable's basename. Dispatch modes set
// process.exitCode and never let the caller continue; the environment is changed before the
// caller starts any worker.
//
// Each mode's code is imported when that mode is chosen, so every entry that dispatches first
// pays only for the mode it runs: the drop-in loads no apply_patch code, and neither loads the
// codex-sandbox CLI (docs/benchmarks.md#start-up).
//
// May import anything (docs/architecture.md#folders); with cli/ it is the only user of process.argv and exit codes.

import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

import { PACKAGE_ROOT } from '../package-root';
import type { ApplyPatchIo } from './apply-patch-main';
import { resolveCodexHome } from './codex-home';
import { loadConditionalOverlays } from './conditional-dotenv';
import { loadCodexDotenv } from './dotenv';
import { createPathAliases, prependToPath, type PathAliases } from './path-aliases';
import { CODEX_RUN_AS_APPLY_PATCH } from './run-as-apply-patch-flag';

export interface Arg0Options {
  /** Load `$CODEX_HOME/.env` and create PATH aliases when nothing is dispatched (default true). */
  prepareEnvironment?: boolean;
  /** Script the aliases run; default this package's bin/codex-sandbox.js. */
  entryScript?: string;
  env?: NodeJS.ProcessEnv;
  /** Defaults to os.tmpdir(); aliases are refused below it. */
  systemTempDir?: string;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  readStdin?: () => Promise<Buffer>;
  cwd?: string;
  /** Receives a dispatched program's status; default sets process.exitCode. */
  setExitCode?: (code: number) => void;
}

export type Arg0Outcome =
  /** This process is one of the helper programs; `exitCode` settles with its status. */
  | { dispatched: true; exitCode: Promise<number> }
  /** The caller's program should run; `aliases` is null when they were not (or could not be) made. */
  | { dispatched: false; aliases: PathAliases | null };

export const PACKAGE_ENTRY_SCRIPT = join(PACKAGE_ROOT, 'bin', 'codex-sandbox.js');

function readAllStdin(): Promise<Buffer> {
  return new Promise((resolveRead, rejectRead) => {
    const parts: Buffer[] = [];
    process.stdin.on('data', (chunk: Buffer) => parts.push(chunk));
    process.stdin.once('end', () => resolveRead(Buffer.concat(parts)));
    process.stdin.once('error', rejectRead);
  });
}

function settle(exitCode: Promise<number>, options: Arg0Options, stderr: (text: string) => void): Arg0Outcome {
  const setExitCode =
    options.setExitCode ??
    ((code: number) => {
      process.exitCode = code;
    });
  const settled = exitCode.then(
    (code) => {
      setExitCode(code);
      return code;
    },
    (err: unknown) => {
      // Not a patch failure (those are reported and give 1): a bug, shown with its stack.
      stderr(`${err instanceof Error && err.stack ? err.stack : String(err)}\n`);
      setExitCode(1);
      return 1;
    },
  );
  return { dispatched: true, exitCode: settled };
}

type ApplyPatchModule = typeof import('./apply-patch-main');

/** Runs one of the apply_patch programs once its module is loaded. */
function applyPatchMode(
  run: (mode: ApplyPatchModule, io: ApplyPatchIo) => Promise<number>,
  options: Arg0Options,
  env: NodeJS.ProcessEnv,
  stderr: (text: string) => void,
): Arg0Outcome {
  const io: Omit<ApplyPatchIo, 'lineEndings'> = {
    cwd: options.cwd ?? process.cwd(),
    stdout: options.stdout ?? ((t) => void process.stdout.write(t)),
    stderr,
    readStdin: options.readStdin ?? readAllStdin,
  };
  const exitCode = import('./apply-patch-main.js').then((mode) => run(mode, { ...io, lineEndings: mode.lineEndingsFromEnv(env) }));
  return settle(exitCode, options, stderr);
}

/** Dispatches on the program name or first argument; see the file header. */
export function arg0Dispatch(argv: readonly string[] = process.argv, options: Arg0Options = {}): Arg0Outcome {
  const env = options.env ?? process.env;
  const stderr = options.stderr ?? ((t: string) => void process.stderr.write(t));
  const name = argv.length > 1 ? basename(argv[1]) : '';
  const args = argv.slice(2);
  if (name === 'codex-linux-sandbox') {
    return settle(
      import('../cli/linux-sandbox-main.js').then((entry) => entry.runLinuxSandboxCli([...args])),
      options,
      stderr,
    );
  }
  if (name === 'apply_patch' || name === 'applypatch') return applyPatchMode((mode, io) => mode.applyPatchMain(args, io), options, env, stderr);
  if (args[0] === CODEX_RUN_AS_APPLY_PATCH) {
    // No dotenv or PATH work in this mode: it is how a host re-runs itself inside a sandbox.
    return applyPatchMode((mode, io) => mode.runAsApplyPatch(args.slice(1), io), options, env, stderr);
  }
  if (options.prepareEnvironment === false) return { dispatched: false, aliases: null };
  return { dispatched: false, aliases: prepareEnvironment(options, stderr) };
}

function prepareEnvironment(options: Arg0Options, warn: (text: string) => void): PathAliases | null {
  const env = options.env ?? process.env;
  let codexHome: string;
  try {
    codexHome = resolveCodexHome(env);
  } catch (err) {
    // As in the reference: without a usable CODEX_HOME there is no .env to load and no place for
    // aliases; the program still runs.
    warn(`WARNING: proceeding, even though we could not create PATH aliases: ${(err as Error).message}\n`);
    return null;
  }
  loadCodexDotenv(codexHome, env);
  loadConditionalOverlays(codexHome, env, warn);
  try {
    const aliases = createPathAliases({
      codexHome,
      systemTempDir: options.systemTempDir ?? tmpdir(),
      execPath: process.execPath,
      entryScript: options.entryScript ?? PACKAGE_ENTRY_SCRIPT,
      platform: process.platform,
      warn,
    });
    env.PATH = prependToPath(aliases.dir, env.PATH);
    // The folder is this process's: remove it when the process ends, however it ends normally.
    process.once('exit', aliases.release);
    return aliases;
  } catch (err) {
    warn(`WARNING: proceeding, even though we could not create PATH aliases: ${(err as Error).message}\n`);
    return null;
  }
}
