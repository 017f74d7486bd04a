// spawn/windows-runner: where the Windows executables are and how this host reaches them. On
// Windows they run directly and paths are what they are; on Linux the tests put Wine in front and
// map paths to its Z: drive, so one launch path serves both.
import { join } from 'node:path';

import { windowsExecutablesDir } from '../native';
import type { WindowsHostView } from '../policy/windows-host';
import { nodeWindowsHostView } from '../platform/windows/node-host';

export interface WindowsRunner {
  /** Host directory holding codex-sandbox-helper.exe and codex-sandbox-setup.exe. */
  dir: string;
  /** Program and arguments put before each executable: `['wine']` on Linux, none on Windows. */
  launcher: string[];
  /** A host path as the executables see it: itself on Windows, `Z:\...` under Wine. */
  toWindowsPath(hostPath: string): string;
  /** The inverse, for files the plan names that this process reads (the setup marker). */
  toHostPath(windowsPath: string): string;
}

export const HELPER_EXE = 'codex-sandbox-helper.exe';
export const SETUP_EXE = 'codex-sandbox-setup.exe';

/** This installation's executables, run directly. */
export function nativeWindowsRunner(): WindowsRunner {
  return { dir: windowsExecutablesDir(), launcher: [], toWindowsPath: (p) => p, toHostPath: (p) => p };
}

/** Program and arguments that start `exe` of the runner's directory with `args`. */
export function runnerCommand(runner: WindowsRunner, exe: string, args: string[]): [string, string[]] {
  const path = join(runner.dir, exe);
  return runner.launcher.length === 0 ? [path, args] : [runner.launcher[0], [...runner.launcher.slice(1), path, ...args]];
}

/** The planner's host view, asked through the runner's path mapping. */
export function runnerHostView(runner: WindowsRunner): WindowsHostView {
  const host = nodeWindowsHostView();
  return {
    finalPath: (p) => {
      const found = host.finalPath(runner.toHostPath(p));
      return found === undefined ? undefined : runner.toWindowsPath(found);
    },
    kind: (p) => host.kind(runner.toHostPath(p)),
    listDir: (p) => host.listDir(runner.toHostPath(p)),
    readText: (p) => host.readText(runner.toHostPath(p)),
  };
}

/** The first non-empty line of an executable's output, for one-line error messages. */
export function firstOutputLine(text: string | null | undefined): string {
  return (
    (text ?? '')
      .split(/\r?\n/)
      .find((l) => l.trim() !== '')
      ?.trim() ?? ''
  );
}
