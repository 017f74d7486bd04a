// arg0/codex-home: where Codex keeps its state (docs/reference.md#arg0-dispatch): $CODEX_HOME when set and
// non-empty (it must be an existing directory; canonicalized), else ~/.codex (may not exist yet).

import { realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

import { UsageError } from '../errors';

export function resolveCodexHome(env: NodeJS.ProcessEnv, home: () => string = homedir): string {
  const fromEnv = env.CODEX_HOME;
  if (fromEnv !== undefined && fromEnv !== '') {
    let canonical: string;
    try {
      canonical = realpathSync(fromEnv);
    } catch (err) {
      throw new UsageError(`CODEX_HOME "${fromEnv}" does not exist; create it or unset CODEX_HOME`, {
        source: { flag: 'CODEX_HOME' },
        value: fromEnv,
        cause: err,
      });
    }
    if (!statSync(canonical).isDirectory()) {
      throw new UsageError(`CODEX_HOME "${fromEnv}" is not a directory; point it at a directory or unset it`, {
        source: { flag: 'CODEX_HOME' },
        value: fromEnv,
      });
    }
    return canonical;
  }
  const dir = home();
  if (dir === '') {
    throw new UsageError('cannot find the home directory for ~/.codex; set CODEX_HOME', { source: { flag: 'CODEX_HOME' } });
  }
  return join(dir, '.codex');
}
