// policy/platform-defaults: the read roots a readable `:minimal` entry stands for on Linux
// (docs/reference.md#sandbox-selection, bubblewrap restricted reads). Only those that exist are used.

export const PLATFORM_DEFAULT_READ_ROOTS_LINUX: readonly string[] = Object.freeze(['/bin', '/sbin', '/usr', '/etc', '/lib', '/lib64', '/nix/store', '/run/current-system/sw']);
