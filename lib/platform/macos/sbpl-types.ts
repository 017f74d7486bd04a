// platform/macos: the Seatbelt planner (SBPL profile text, -D parameters, sandbox-exec argv). The
// parser and evaluator that check its profiles without a Mac are test code (test/helpers/sbpl-*.ts).
// May import policy, errors and platform/common only; never child_process or native code.
//
// sbpl-types: the typed form of a profile. The planner builds `SbplItem[]`; sbpl-render turns it
// into text in one function, and the tests' parser (test/helpers/sbpl-parse.ts) turns that text back
// into the same items.

/** A path argument: a `(param "KEY")` reference (user paths, bound with -D) or a quoted string. */
export type SbplPathArg = { param: string } | { string: string };

/** An argument of a non-path filter: `"text"`, a bare symbol, a number or a `#"regex"`. */
export type SbplAtom = { type: 'string'; value: string } | { type: 'symbol'; value: string } | { type: 'number'; value: number } | { type: 'regex'; value: string };

export type SbplVnodeType = 'DIRECTORY' | 'CHARACTER-DEVICE' | 'REGULAR-FILE' | 'SYMLINK';

/**
 * Filters. Path filters and vnode-type are modelled by the evaluator; the non-path filters
 * (sysctl names, mach service names, ...) are `named` and match a request attribute of that name.
 */
export type SbplFilter =
  | { kind: 'literal' | 'subpath' | 'prefix' | 'path-ancestors'; path: SbplPathArg }
  | { kind: 'regex'; pattern: string }
  | { kind: 'vnode-type'; type: SbplVnodeType }
  | { kind: 'require-all' | 'require-any'; filters: SbplFilter[] }
  | { kind: 'require-not'; filter: SbplFilter }
  | { kind: 'network'; side: 'local' | 'remote'; address: SbplNetworkAddress }
  | { kind: 'named'; name: SbplNamedFilter; args: SbplAtom[] };

/** `(local ip "host:port")`, `(remote unix-socket)`, `(local unix-socket (subpath ...))`. */
export type SbplNetworkAddress = { type: 'ip'; value: string } | { type: 'unix-socket'; path?: SbplFilter };

/** Every non-path filter name the generator uses; the parser rejects any other. */
export const SBPL_NAMED_FILTERS = [
  'sysctl-name',
  'sysctl-name-prefix',
  'sysctl-name-regex',
  'global-name',
  'local-name',
  'iokit-registry-entry-class',
  'ipc-posix-name',
  'ipc-posix-name-prefix',
  'ipc-posix-name-regex',
  'target',
  'extension',
  'socket-domain',
  'socket-protocol',
  'mac-policy-name',
  'mac-syscall-number',
  'fsctl-command',
] as const;
export type SbplNamedFilter = (typeof SBPL_NAMED_FILTERS)[number];

/**
 * How a rule is laid out in text. Only layout, never meaning; kept in the typed form so that
 * parse(render(items)) is exactly items and golden fragments from the reference can be matched.
 *  - inline:  `(allow op1 op2 f1 f2)`
 *  - block:   `(allow op\nf1 f2\n)`, the reference's access-block shape (docs/reference.md#seatbelt-profile)
 *  - stacked: first operation on the first line, every further operation and filter indented on
 *             its own line, closing parenthesis on the last one
 */
export type SbplLayout = 'inline' | 'block' | 'stacked';

export interface SbplRule {
  kind: 'rule';
  action: 'allow' | 'deny';
  /** Operation names, e.g. `file-read*`, `file-write-unlink`, `default`. */
  operations: string[];
  /** Alternatives: the rule applies when any filter matches, or always when there are none. */
  filters: SbplFilter[];
  layout: SbplLayout;
}

export type SbplItem = { kind: 'version'; value: number } | { kind: 'comment'; text: string } | SbplRule;
