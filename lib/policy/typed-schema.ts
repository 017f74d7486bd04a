// policy/typed-schema: strict schemas for the typed (camelCase) policy forms that library callers
// may pass in directly: SandboxPolicy, PermissionProfile, LegacySandboxPolicy, FileSystemPolicy
// and the resolved policies of both path flavours. Every public entry that takes one checks it here, so a hand-built object
// with `access: 'rw'` or an unknown key is refused as E_POLICY_INVALID instead of reaching
// resolution, explain() or a planner. Path *contents* (absolute, NUL, U+FFFD) are checked where
// they are resolved (resolve-entries.ts), with the same errors as before this check existed.
//
// Objects that passed are remembered (by identity) so explain() on one resolved policy, called
// once per path, checks it once. The schemas are built on first use, with zod's mini build
// (zod-load.ts).

import type * as Zod from 'zod/mini';
import type { ErrorSource } from '../errors';
import { policyErrorFromZod } from './invalid-input';
import type { WindowsResolvedPolicy } from './resolve-windows';
import type { FileSystemPolicy, LegacySandboxPolicy, PermissionProfile, ResolvedPolicy, SandboxPolicy } from './types';
import { absolutePathSchema, domainPatternsCheck } from './wire-schema';
import { onFirstUse, parseWith } from './zod-load';

const special = onFirstUse((z) =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('root') }),
    z.strictObject({ kind: z.literal('minimal') }),
    z.strictObject({ kind: z.literal('project_roots'), subpath: z.optional(z.string()) }),
    z.strictObject({ kind: z.literal('tmpdir') }),
    z.strictObject({ kind: z.literal('slash_tmp') }),
    z.strictObject({ kind: z.literal('unknown'), path: z.string(), subpath: z.optional(z.string()) }),
  ]),
);

const fileSystemPath = onFirstUse((z) =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('path'), path: z.string() }),
    z.strictObject({ type: z.literal('special'), value: special() }),
    z.strictObject({ type: z.literal('glob_pattern'), pattern: z.string().check(z.minLength(1)) }),
  ]),
);

const access = onFirstUse((z) => z.enum(['read', 'write', 'deny']));

const entry = onFirstUse((z) =>
  z.strictObject({ path: fileSystemPath(), access: access(), missingPathBehavior: z.optional(z.literal('skip')) }).check(
    z.refine((e) => e.path.type !== 'glob_pattern' || e.access === 'deny', {
      message: 'glob_pattern entries only support deny access; use an exact path for read or write',
      path: ['access'],
    }),
  ),
);

const globScanMaxDepth = onFirstUse((z) => z.number().check(z.int(), z.minimum(1)));

const fileSystemPolicy = onFirstUse((z) =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('restricted'), entries: z.array(entry()), globScanMaxDepth: z.optional(globScanMaxDepth()) }),
    z.strictObject({ kind: z.literal('unrestricted') }),
    z.strictObject({ kind: z.literal('external-sandbox') }),
  ]),
);

const network = onFirstUse((z) => z.enum(['restricted', 'enabled']));

const proxiedNetwork = onFirstUse((z) =>
  z.strictObject({
    mode: z.literal('proxied'),
    allowedDomains: domainPatternsCheck(z, 'allow'),
    deniedDomains: domainPatternsCheck(z, 'deny'),
    allowLocalBinding: z.boolean(),
    unixSockets: z.array(absolutePathSchema()),
  }),
);

/** restricted, enabled or proxied: the networks a managed policy may have (an external sandbox owns its own). */
const managedNetwork = onFirstUse((z) => z.union([network(), proxiedNetwork()]));

const sandboxPolicy = onFirstUse((z) =>
  z.strictObject({ fileSystem: fileSystemPolicy(), network: managedNetwork() }).check(
    z.refine((p) => p.fileSystem.kind !== 'external-sandbox' || typeof p.network === 'string', {
      message: 'a proxied network needs a file system codex-sandbox enforces; an external sandbox owns its network, so use restricted or enabled',
      path: ['network'],
    }),
  ),
);

const permissionProfile = onFirstUse((z) =>
  z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('managed'),
      fileSystem: z.discriminatedUnion('type', [
        z.strictObject({ type: z.literal('restricted'), entries: z.array(entry()), globScanMaxDepth: z.optional(globScanMaxDepth()) }),
        z.strictObject({ type: z.literal('unrestricted') }),
      ]),
      network: managedNetwork(),
    }),
    z.strictObject({ type: z.literal('disabled') }),
    z.strictObject({ type: z.literal('external'), network: network() }),
  ]),
);

const readOnlyAccess = onFirstUse((z) =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('full-access') }),
    z.strictObject({ type: z.literal('restricted'), includePlatformDefaults: z.boolean(), readableRoots: z.array(z.string()) }),
  ]),
);

const legacySandboxPolicy = onFirstUse((z) =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('danger-full-access') }),
    z.strictObject({ type: z.literal('read-only'), access: readOnlyAccess(), networkAccess: z.boolean() }),
    z.strictObject({ type: z.literal('external-sandbox'), networkAccess: network() }),
    z.strictObject({
      type: z.literal('workspace-write'),
      writableRoots: z.array(z.string()),
      readOnlyAccess: readOnlyAccess(),
      networkAccess: z.boolean(),
      excludeTmpdirEnvVar: z.boolean(),
      excludeSlashTmp: z.boolean(),
    }),
  ]),
);

/**
 * The fields explain() and the planners read. Derived fields are trusted to be consistent with
 * `policy` (resolvePolicy makes them); only their types are checked, so a hand-built resolved
 * policy cannot smuggle an access mode or an entry shape the code does not handle.
 */
const resolvedPolicy = onFirstUse((z) =>
  z.looseObject({
    cwd: z.string(),
    policy: sandboxPolicy(),
    entries: z.array(z.looseObject({ path: z.string(), access: access() })),
    fullDiskRead: z.boolean(),
    fullDiskWrite: z.boolean(),
    includePlatformDefaults: z.boolean(),
    readableRoots: z.array(z.string()),
    writableRoots: z.array(z.looseObject({ root: z.string(), readOnlySubpaths: z.array(z.string()), protectedMetadataNames: z.array(z.string()) })),
    unreadableRoots: z.array(z.string()),
    unreadableGlobs: z.array(z.string()),
  }),
);

/** The Windows flavour's resolved policy, checked the same way: the policy strictly, the rest by type. */
const windowsResolvedPolicy = onFirstUse((z) => {
  const path = z.looseObject({ kind: z.enum(['drive', 'unc']), root: z.string(), parts: z.array(z.string()) });
  return z.looseObject({
    policy: sandboxPolicy(),
    cwd: path,
    volumeRoot: path,
    entries: z.array(z.looseObject({ index: z.number(), path, access: access() })),
    includePlatformDefaults: z.boolean(),
    rootReadable: z.boolean(),
    fullDiskWrite: z.boolean(),
    writableRoots: z.array(z.looseObject({ root: path, readOnlySubpaths: z.array(path) })),
    legacyWritableRoots: z.nullable(z.array(path)),
    readableRoots: z.array(path),
    denyReadPaths: z.array(path),
    denyReadGlobs: z.array(z.string()),
    warnings: z.array(z.string()),
  });
});

/** Every typed schema, for the test that checks each fast twin against zod (fast-schema.ts). */
export const TYPED_SCHEMAS = { fileSystemPolicy, sandboxPolicy, permissionProfile, legacySandboxPolicy, resolvedPolicy, windowsResolvedPolicy };

const checked = new WeakSet<object>();

function check<T>(schema: () => Zod.ZodMiniType, value: unknown, what: string, source?: ErrorSource): T {
  if (typeof value === 'object' && value !== null && checked.has(value)) return value as T;
  const result = parseWith(schema, value);
  if (!result.success) throw policyErrorFromZod(result.error, value, what, source);
  checked.add(value as object);
  // The caller's object, not zod's copy: callers compare and memoize by identity.
  return value as T;
}

export function checkSandboxPolicy(value: unknown, source?: ErrorSource): SandboxPolicy {
  return check(sandboxPolicy, value, 'sandbox policy', source);
}

export function checkFileSystemPolicy(value: unknown, source?: ErrorSource): FileSystemPolicy {
  return check(fileSystemPolicy, value, 'file-system policy', source);
}

export function checkPermissionProfile(value: unknown, source?: ErrorSource): PermissionProfile {
  return check(permissionProfile, value, 'permission profile', source);
}

export function checkLegacySandboxPolicy(value: unknown, source?: ErrorSource): LegacySandboxPolicy {
  return check(legacySandboxPolicy, value, 'legacy sandbox policy', source);
}

export function checkResolvedPolicy(value: unknown, source?: ErrorSource): ResolvedPolicy {
  return check(resolvedPolicy, value, 'resolved policy', source);
}

export function checkWindowsResolvedPolicy(value: unknown, source?: ErrorSource): WindowsResolvedPolicy {
  return check(windowsResolvedPolicy, value, 'resolved Windows policy', source);
}

/** The typed `SandboxPolicy` form is told apart from every wire form by its `fileSystem` key. */
export function isTypedSandboxPolicyShape(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'fileSystem' in value;
}
