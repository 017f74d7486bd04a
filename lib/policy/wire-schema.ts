// policy/wire-schema: zod schemas for every policy wire form, in the reference's snake_case
// (docs/reference.md#policy-wire-forms). Strict objects: an unknown key is an error, never dropped. Older spellings
// are accepted here (`none`, `current_working_directory`, Era B `read_only_access`) and converted
// to the Era C typed forms by parse-policy.ts.
//
// The schemas are built on first use, with zod's mini build (zod-load.ts).

import type * as Zod from 'zod/mini';
import { parseDomainPattern, type DomainRuleList } from './domain-pattern';
import { isAbsolutePath } from './paths';
import { onFirstUse } from './zod-load';

const noNul = (s: string): boolean => !s.includes('\0');
/** A lone UTF-16 surrogate has no UTF-8 form: the OS would get U+FFFD, a different file (docs/reference.md#hostile-input). */
const wellFormed = (s: string): boolean => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
/**
 * Invalid UTF-8 in argv, JSON text or a file decodes to U+FFFD, so a path holding it names
 * another file than the one meant (a deny that denies nothing): refused (issue #20).
 */
const noReplacement = (s: string): boolean => !s.includes('\uFFFD');
const REPLACEMENT_MESSAGE = 'contains U+FFFD, so it cannot be named exactly (invalid UTF-8 decodes to U+FFFD); name the path in valid UTF-8, or a directory above it';
/** PATH_MAX on Linux is 4096 bytes including the NUL: longer names cannot be opened at all. */
const utf8 = new TextEncoder();
const fitsPathMax = (s: string): boolean => utf8.encode(s).length < 4096;

/** An absolute path (or `~`, `~/...`, expanded at resolution). Relative paths need a base. */
export const absolutePathSchema = onFirstUse((z) =>
  z.string().check(
    z.refine(noNul, { message: 'path contains a NUL byte' }),
    z.refine(wellFormed, { message: 'path is not valid Unicode (a lone surrogate has no UTF-8 form)' }),
    z.refine(noReplacement, { message: `path ${REPLACEMENT_MESSAGE}` }),
    z.refine(fitsPathMax, { message: 'path is longer than PATH_MAX (4096 bytes)' }),
    z.refine((s) => isAbsolutePath(s) || s === '~' || s.startsWith('~/'), {
      message: 'path is not absolute (AbsolutePathBuf deserialized without a base path); use an absolute path or ~/...',
    }),
  ),
);

const subpathSchema = onFirstUse((z) =>
  z.string().check(z.minLength(1), z.refine(noNul, { message: 'subpath contains a NUL byte' }), z.refine(noReplacement, { message: `subpath ${REPLACEMENT_MESSAGE}` })),
);

export const specialPathSchema = onFirstUse((z) =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('root') }),
    z.strictObject({ kind: z.literal('minimal') }),
    z.strictObject({ kind: z.literal('current_working_directory') }),
    z.strictObject({ kind: z.literal('project_roots'), subpath: z.optional(subpathSchema()) }),
    z.strictObject({ kind: z.literal('tmpdir') }),
    z.strictObject({ kind: z.literal('slash_tmp') }),
    z.strictObject({ kind: z.literal('unknown'), path: z.string().check(z.refine(noNul)), subpath: z.optional(subpathSchema()) }),
  ]),
);

export const fileSystemPathSchema = onFirstUse((z) =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('path'), path: absolutePathSchema() }),
    z.strictObject({ type: z.literal('special'), value: specialPathSchema() }),
    z.strictObject({
      type: z.literal('glob_pattern'),
      pattern: z
        .string()
        .check(z.minLength(1), z.refine(noNul, { message: 'pattern contains a NUL byte' }), z.refine(noReplacement, { message: `pattern ${REPLACEMENT_MESSAGE}` })),
    }),
  ]),
);

export const accessSchema = onFirstUse((z) => z.enum(['read', 'write', 'deny', 'none']));

export const entrySchema = onFirstUse((z) =>
  z
    .strictObject({
      path: fileSystemPathSchema(),
      access: accessSchema(),
      missing_path_behavior: z.optional(z.enum(['skip'])),
    })
    .check(
      z.refine((e) => e.path.type !== 'glob_pattern' || e.access === 'deny' || e.access === 'none', {
        message: 'glob_pattern entries only support deny access; use an exact path for read or write',
        path: ['access'],
      }),
    ),
);

const globDepthSchema = onFirstUse((z) => z.number().check(z.int(), z.minimum(1, { message: 'glob_scan_max_depth must be at least 1' })));

export const fileSystemPolicySchema = onFirstUse((z) =>
  z
    .strictObject({
      kind: z.optional(z.enum(['restricted', 'unrestricted', 'external-sandbox'])),
      entries: z.optional(z.array(entrySchema())),
      glob_scan_max_depth: z.optional(globDepthSchema()),
    })
    .check(
      z.refine((p) => (p.kind ?? 'restricted') === 'restricted' || (p.entries ?? []).length === 0, {
        message: 'entries are only allowed with kind "restricted"',
        path: ['entries'],
      }),
    ),
);

export const networkPolicySchema = onFirstUse((z) => z.enum(['restricted', 'enabled']));

/** Domain patterns (domain-pattern.ts), each checked, a malformed one reported with its index and why. */
export function domainPatternsCheck(z: typeof Zod, list: DomainRuleList) {
  return z.array(z.string()).check(
    z.superRefine((patterns, ctx) => {
      patterns.forEach((raw, i) => {
        const parsed = parseDomainPattern(raw, list);
        if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: `invalid domain pattern \`${raw}\`: ${parsed}`, path: [i], input: raw });
      });
    }),
  );
}

/** The proxied network's wire form (docs/reference.md#policy-wire-forms); every list defaults to empty. */
export const proxiedNetworkWireSchema = onFirstUse((z) =>
  z.strictObject({
    mode: z.literal('proxied'),
    allowed_domains: z.optional(domainPatternsCheck(z, 'allow')),
    denied_domains: z.optional(domainPatternsCheck(z, 'deny')),
    allow_local_binding: z.optional(z.boolean()),
    unix_sockets: z.optional(z.array(absolutePathSchema())),
  }),
);

/** A managed profile's network: restricted, enabled, or proxied with rules. */
export const managedNetworkSchema = onFirstUse((z) => z.union([networkPolicySchema(), proxiedNetworkWireSchema()]));

export const permissionProfileSchema = onFirstUse((z) =>
  z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('managed'),
      file_system: z.discriminatedUnion('type', [
        z.strictObject({
          type: z.literal('restricted'),
          entries: z.optional(z.array(entrySchema())),
          glob_scan_max_depth: z.optional(globDepthSchema()),
        }),
        z.strictObject({ type: z.literal('unrestricted') }),
      ]),
      network: z.optional(managedNetworkSchema()),
    }),
    z.strictObject({ type: z.literal('disabled') }),
    z.strictObject({ type: z.literal('external'), network: z.optional(networkPolicySchema()) }),
  ]),
);

/** The older untagged profile: `{network:{enabled}, file_system:{entries, glob_scan_max_depth}}`. */
export const untaggedProfileSchema = onFirstUse((z) =>
  z.strictObject({
    network: z.optional(z.strictObject({ enabled: z.optional(z.boolean()) })),
    file_system: z.optional(z.strictObject({ entries: z.optional(z.array(entrySchema())), glob_scan_max_depth: z.optional(globDepthSchema()) })),
  }),
);

const readOnlyAccessSchema = onFirstUse((z) =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('full-access') }),
    z.strictObject({
      type: z.literal('restricted'),
      include_platform_defaults: z.optional(z.boolean()),
      readable_roots: z.optional(z.array(absolutePathSchema())),
    }),
  ]),
);

export const legacyPolicySchema = onFirstUse((z) =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('danger-full-access') }),
    z.strictObject({
      type: z.literal('read-only'),
      access: z.optional(readOnlyAccessSchema()),
      network_access: z.optional(z.boolean()),
    }),
    z.strictObject({ type: z.literal('external-sandbox'), network_access: z.optional(networkPolicySchema()) }),
    z.strictObject({
      type: z.literal('workspace-write'),
      writable_roots: z.optional(z.array(absolutePathSchema())),
      read_only_access: z.optional(readOnlyAccessSchema()),
      network_access: z.optional(z.boolean()),
      exclude_tmpdir_env_var: z.optional(z.boolean()),
      exclude_slash_tmp: z.optional(z.boolean()),
    }),
  ]),
);

const readOnlyAccessCamelSchema = onFirstUse((z) =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('fullAccess') }),
    z.strictObject({
      type: z.literal('restricted'),
      includePlatformDefaults: z.optional(z.boolean()),
      readableRoots: z.optional(z.array(absolutePathSchema())),
    }),
  ]),
);

/** The app-server v2 camelCase twin of the legacy policy. */
export const legacyPolicyCamelSchema = onFirstUse((z) =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('dangerFullAccess') }),
    z.strictObject({
      type: z.literal('readOnly'),
      access: z.optional(readOnlyAccessCamelSchema()),
      networkAccess: z.optional(z.boolean()),
    }),
    z.strictObject({ type: z.literal('externalSandbox'), networkAccess: z.optional(networkPolicySchema()) }),
    z.strictObject({
      type: z.literal('workspaceWrite'),
      writableRoots: z.optional(z.array(absolutePathSchema())),
      readOnlyAccess: z.optional(readOnlyAccessCamelSchema()),
      networkAccess: z.optional(z.boolean()),
      excludeTmpdirEnvVar: z.optional(z.boolean()),
      excludeSlashTmp: z.optional(z.boolean()),
    }),
  ]),
);

export const PROFILE_TYPES = ['managed', 'disabled', 'external'] as const;
export const LEGACY_TYPES = ['danger-full-access', 'read-only', 'external-sandbox', 'workspace-write'] as const;
export const LEGACY_CAMEL_TYPES = ['dangerFullAccess', 'readOnly', 'externalSandbox', 'workspaceWrite'] as const;

export type EntryWire = Zod.infer<ReturnType<typeof entrySchema>>;
