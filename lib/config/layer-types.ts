// config/layer-types: the layer stack's data shapes (docs/reference.md#config-layers), shared by the loader, the
// resolver and the CLI. Wire names (`type` values, display strings) follow the reference.
import type { TomlTable, ValueOrigin } from './toml-source';

export type LayerSource =
  | { type: 'mdm'; domain: string; key: string }
  | { type: 'system'; file: string }
  | { type: 'user'; file: string }
  | { type: 'project'; dotCodexFolder: string }
  | { type: 'sessionFlags' }
  | { type: 'legacyManagedConfigTomlFromFile'; file: string }
  | { type: 'legacyManagedConfigTomlFromMdm' };

export interface ConfigLayer {
  source: LayerSource;
  /** The reference's display string, e.g. `user (/home/u/.codex/config.toml)`. */
  name: string;
  precedence: number;
  /** The layer's table after relative-path resolution (and, for projects, the denylist). */
  config: TomlTable;
  /** `sha256:<hex>` of the layer's value as JSON with sorted keys (docs/reference.md#config-layers). */
  version: string;
  /** Set for a project layer that is loaded but not merged (untrusted or unknown project). */
  disabledReason?: string;
  /** Where the layer's text came from, for error positions. */
  origin: ValueOrigin;
}

export type TrustLevel = 'trusted' | 'untrusted';

export interface TrustDecision {
  /** Undefined when no `[projects]` entry matched. */
  level: TrustLevel | undefined;
  /** The `[projects]` key that matched, if any. */
  key: string | undefined;
}

export const PRECEDENCE: Record<LayerSource['type'], number> = {
  mdm: 0,
  system: 10,
  user: 20,
  project: 25,
  sessionFlags: 30,
  legacyManagedConfigTomlFromFile: 40,
  legacyManagedConfigTomlFromMdm: 50,
};

export function layerDisplayName(source: LayerSource): string {
  switch (source.type) {
    case 'mdm':
      return `MDM (${source.domain}:${source.key})`;
    case 'system':
      return `system (${source.file})`;
    case 'user':
      return `user (${source.file})`;
    case 'project':
      return `project (${source.dotCodexFolder}/config.toml)`;
    case 'sessionFlags':
      return 'session-flags';
    case 'legacyManagedConfigTomlFromFile':
      return `legacy managed_config.toml (${source.file})`;
    case 'legacyManagedConfigTomlFromMdm':
      return 'legacy managed_config.toml (MDM)';
  }
}
