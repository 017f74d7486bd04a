// preferences-policy: read-only user preferences (docs/reference.md#seatbelt-preferences-and-defaults). cfprefsd answers from files
// outside any readable root, so these rules are added only when reads are already full-disk.
import { comment, constantSection, globalName, named, rule } from './sbpl-build';

export const preferencesPolicy = constantSection(() => [
  comment('read-only user preferences (only with full-disk read)'),
  rule('allow', 'ipc-posix-shm-read*', [named('ipc-posix-name-prefix', 'apple.cfprefs.')]),
  rule('allow', 'mach-lookup', [globalName('com.apple.cfprefsd.daemon'), globalName('com.apple.cfprefsd.agent'), named('local-name', 'com.apple.cfprefsd.agent')], 'stacked'),
  rule('allow', 'user-preference-read'),
]);
