// cli/macos-mdm: the real macOS managed-preferences reader for config/ (which may not start
// processes). The reference reads app id `com.openai.codex` through CFPreferences, where an MDM
// profile's forced values win; `defaults` reads the managed plist first, then the app domain.
import type { MdmReader } from '../config/reader';

const DOMAIN = 'com.openai.codex';
const MANAGED_PLIST = `/Library/Managed Preferences/${DOMAIN}`;

export type RunDefaults = (args: string[]) => string | undefined;

function runDefaults(args: string[]): string | undefined {
  // Required here, on macOS only: loading child_process costs every other CLI start-up more than
  // a command such as explain does itself (docs/benchmarks.md, start-up).
  const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
  try {
    return execFileSync('/usr/bin/defaults', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
  } catch {
    // `defaults read` exits 1 when the domain or key does not exist: the key is not set.
    return undefined;
  }
}

/** The MDM reader for this host: none outside macOS. `run` is injectable for tests. */
export function macosMdmReader(platform: NodeJS.Platform = process.platform, run: RunDefaults = runDefaults): MdmReader | undefined {
  if (platform !== 'darwin') return undefined;
  return {
    read(key) {
      const value = run(['read', MANAGED_PLIST, key]) ?? run(['read', DOMAIN, key]);
      return value?.trim();
    },
  };
}
