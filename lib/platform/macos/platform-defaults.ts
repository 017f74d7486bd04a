// platform-defaults: what `:minimal` adds on macOS (docs/reference.md#seatbelt-preferences-and-defaults, newest split): system
// libraries, frameworks, devices and services every process needs, read-only; then, for the
// ordinary process profile only, the scratch directories. The file-system helper profile never
// gets the scratch block.
import { comment, constantSection, globalName, literal, named, pathAncestors, regex, requireAll, rule, subpath, vnode } from './sbpl-build';
import type { SbplFilter } from './sbpl-types';

const FRAMEWORK_TREES = [
  '/System/Library/Frameworks',
  '/System/Library/PrivateFrameworks',
  '/System/Library/SubFrameworks',
  '/Library/Apple/System/Library/Frameworks',
  '/Library/Apple/System/Library/PrivateFrameworks',
  '/Library/Apple/System/Library/SubFrameworks',
  '/System/iOSSupport/System/Library/Frameworks',
  '/System/iOSSupport/System/Library/PrivateFrameworks',
  '/System/iOSSupport/System/Library/SubFrameworks',
  '/Library/Apple/usr/lib',
];

const SYSTEM_READ_SUBPATHS = [
  '/Library/Apple',
  '/Library/Filesystems/NetFSPlugins',
  '/Library/Preferences/Logging',
  '/private/var/db/DarwinDirectory/local/recordStore.data',
  '/private/var/db/timezone',
  '/usr/lib',
  '/usr/share',
  '/Library/Preferences',
  '/var/db',
  '/private/var/db',
];

const MACH_SERVICES = [
  'com.apple.system.opendirectoryd.libinfo',
  'com.apple.analyticsd',
  'com.apple.analyticsd.messagetracer',
  'com.apple.appsleep',
  'com.apple.bsd.dirhelper',
  'com.apple.diagnosticd',
  'com.apple.dt.automationmode.reader',
  'com.apple.espd',
  'com.apple.logd',
  'com.apple.logd.events',
  'com.apple.runningboard',
  'com.apple.secinitd',
  'com.apple.system.DirectoryService.libinfo_v1',
  'com.apple.system.logger',
  'com.apple.system.notification_center',
  'com.apple.system.opendirectoryd.membership',
  'com.apple.trustd',
  'com.apple.trustd.agent',
  'com.apple.xpc.activity.unmanaged',
  'com.apple.audio.audiohald',
  'com.apple.audio.AudioComponentRegistrar',
  'com.apple.PowerManagement.control',
];

const EXEC_RUNTIME_DIRS = ['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/libexec'];
const CONFIG_READ_DIRS = ['/etc', '/private/etc'];
const LIBRARY_READ_DIRS = ['/Library/Preferences', '/opt/homebrew/lib', '/usr/local/lib'];

/**
 * The directory trees the read-only defaults make readable (file contents included). Pass them as
 * `platformDefaultReadRoots` to resolvePolicy when planning for macOS so that explain() counts
 * them as `:minimal` reads, as the profile does.
 */
export const SEATBELT_PLATFORM_DEFAULT_READ_ROOTS: readonly string[] = Object.freeze([
  ...SYSTEM_READ_SUBPATHS,
  ...FRAMEWORK_TREES,
  ...EXEC_RUNTIME_DIRS,
  ...CONFIG_READ_DIRS,
  ...LIBRARY_READ_DIRS,
]);

const subpaths = (paths: readonly string[]): SbplFilter[] => paths.map((p) => subpath(p));
const literals = (paths: readonly string[]): SbplFilter[] => paths.map((p) => literal(p));

/** The read-only platform defaults, appended when the policy includes `:minimal`. */
export const readOnlyPlatformDefaults = constantSection(() => [
  comment('platform defaults (:minimal): system files every process needs, read-only'),
  rule('allow', ['file-read*', 'file-test-existence'], subpaths([...SYSTEM_READ_SUBPATHS, ...FRAMEWORK_TREES]), 'stacked'),
  rule('allow', 'file-map-executable', subpaths([...FRAMEWORK_TREES, '/System/Library/Extensions', '/usr/lib']), 'stacked'),
  rule('allow', 'system-mac-syscall', [named('mac-policy-name', 'vnguard')]),
  rule('allow', 'system-mac-syscall', [requireAll(named('mac-policy-name', 'Sandbox'), named('mac-syscall-number', 67))]),
  rule('allow', 'system-fsctl', [named('fsctl-command', { symbol: 'FSIOC_CAS_BSDFLAGS' })]),
  rule('allow', 'iokit-open', [named('iokit-registry-entry-class', 'RootDomainUserClient')]),
  comment('the system symlinks and the directories above the data volume, for path traversal'),
  rule('allow', ['file-read-metadata', 'file-test-existence'], literals(['/etc', '/tmp', '/var', '/private/etc/localtime']), 'stacked'),
  rule('allow', 'file-read-metadata', [pathAncestors('/System/Volumes/Data/private')]),
  comment('getcwd() reads the root directory'),
  rule('allow', ['file-read*', 'file-test-existence'], [literal('/')]),
  rule(
    'allow',
    'file-read-metadata',
    ['/System/Volumes', '/System/Volumes/Data', '/System/Volumes/Data/Users'].map((p) => requireAll(literal(p), vnode('DIRECTORY'))),
    'stacked',
  ),
  rule(
    'allow',
    ['file-read*', 'file-test-existence'],
    literals(['/dev/autofs_nowait', '/dev/random', '/dev/urandom', '/private/etc/master.passwd', '/private/etc/passwd', '/private/etc/protocols', '/private/etc/services']),
    'stacked',
  ),
  rule('allow', ['file-read*', 'file-write-data'], literals(['/dev/null', '/dev/zero']), 'stacked'),
  rule('allow', ['file-read*', 'file-write-data'], [subpath('/dev/fd')]),
  rule('allow', ['file-read*', 'file-write-data', 'file-ioctl'], [literal('/dev/dtracehelper')]),
  comment('system configuration and version files'),
  rule('allow', 'file-read*', subpaths(CONFIG_READ_DIRS), 'stacked'),
  rule(
    'allow',
    'file-read*',
    literals([
      '/System/Library/CoreServices',
      '/System/Library/CoreServices/SystemVersion.plist',
      '/System/Library/CoreServices/.SystemVersionPlatform.plist',
      '/private/var/db/eligibilityd/eligibility.plist',
    ]),
    'stacked',
  ),
  rule('allow', 'file-read-metadata', subpaths(['/var', '/private/var']), 'stacked'),
  comment('system services reached over mach ports'),
  rule('allow', 'mach-lookup', MACH_SERVICES.map(globalName), 'stacked'),
  rule('allow', 'network-outbound', [literal('/private/var/run/syslog')]),
  rule('allow', 'ipc-posix-shm-read*', [named('ipc-posix-name', 'apple.shm.notification_center')]),
  comment('enough of the system to exec ordinary tools'),
  rule('allow', ['file-read-data', 'file-read-metadata'], subpaths(EXEC_RUNTIME_DIRS), 'stacked'),
  rule('allow', 'file-read*', subpaths(LIBRARY_READ_DIRS), 'stacked'),
  comment('terminal devices'),
  rule('allow', 'file-read*', [regex('^/dev/fd/(0|1|2)$')]),
  rule('allow', 'file-write*', [regex('^/dev/fd/(1|2)$')]),
  rule('allow', ['file-read*', 'file-write*'], [literal('/dev/null'), literal('/dev/tty'), literal('/dev/ptmx'), regex('^/dev/ttys[0-9]+$')], 'stacked'),
  rule(
    'allow',
    'file-read-metadata',
    [literal('/dev'), regex('^/dev/.*$'), literal('/dev/stdin'), literal('/dev/stdout'), literal('/dev/stderr'), regex('^/dev/tty[^/]*$'), regex('^/dev/pty[^/]*$')],
    'stacked',
  ),
  rule('allow', 'file-ioctl', [regex('^/dev/ttys[0-9]+$')]),
  comment('files another process handed over with a sandbox extension'),
  rule('allow', 'file-read*', [named('extension', 'com.apple.app-sandbox.read')]),
  rule('allow', ['file-read*', 'file-write*'], [named('extension', 'com.apple.app-sandbox.read-write')]),
]);

/** Scratch directories for the ordinary process profile; never for the file-system helper. */
export const processPlatformDefaults = constantSection(() => [
  comment('process platform defaults: applications listable, scratch directories writable'),
  rule('allow', ['file-read*', 'file-test-existence'], [subpath('/Applications')]),
  ...['/tmp', '/private/tmp', '/var/tmp', '/private/var/tmp'].map((dir) => rule('allow', ['file-read*', 'file-test-existence', 'file-write*'], [subpath(dir)])),
]);
