// policy/wire-schema: zod schemas for every policy wire form, in the reference's snake_case
// (policy-model §1). Strict objects: an unknown key is an error, never dropped. Older spellings
// are accepted here (`none`, `current_working_directory`, Era B `read_only_access`) and converted
// to the Era C typed forms by parse-policy.ts.
//
// zod is loaded, and each schema built, on first use: loading zod and building every schema costs
// more than the rest of a CLI start-up, while most runs parse one wire form or none (a `run` or
// `explain` from config parses no JSON). See docs/benchmarks.md, start-up.

import type * as Zod from 'zod';
import { isAbsolutePath } from './paths';

const noNul = (s: string): boolean => !s.includes('\0');
/** A lone UTF-16 surrogate has no UTF-8 form: the OS would get U+FFFD, a different file (P49). */
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

let zodModule: typeof Zod | undefined;

/**
 * A schema built by `build` on the first call. require() rather than import: the module must not
 * load zod when imported. The bundles map this require to their own tree-shaken zod
 * (scripts/bundle.js).
 */
function onFirstUse<T>(build: (z: typeof Zod) => T): () => T {
  let built: T | undefined;
  return () => (built ??= build((zodModule ??= require('zod') as typeof Zod)));
}

/** An absolute path (or `~`, `~/...`, expanded at resolution). Relative paths need a base. */
export const absolutePathSchema = onFirstUse((z) =>
  z
    .string()
    .refine(noNul, { message: 'path contains a NUL byte' })
    .refine(wellFormed, { message: 'path is not valid Unicode (a lone surrogate has no UTF-8 form)' })
    .refine(noReplacement, { message: `path ${REPLACEMENT_MESSAGE}` })
    .refine(fitsPathMax, { message: 'path is longer than PATH_MAX (4096 bytes)' })
    .refine((s) => isAbsolutePath(s) || s === '~' || s.startsWith('~/'), {
      message: 'path is not absolute (AbsolutePathBuf deserialized without a base path); use an absolute path or ~/...',
    }),
);

const subpathSchema = onFirstUse((z) =>
  z
    .string()
    .min(1)
    .refine(noNul, { message: 'subpath contains a NUL byte' })
    .refine(noReplacement, { message: `subpath ${REPLACEMENT_MESSAGE}` }),
);

export const specialPathSchema = onFirstUse((z) =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('root') }),
    z.strictObject({ kind: z.literal('minimal') }),
    z.strictObject({ kind: z.literal('current_working_directory') }),
    z.strictObject({ kind: z.literal('project_roots'), subpath: subpathSchema().optional() }),
    z.strictObject({ kind: z.literal('tmpdir') }),
    z.strictObject({ kind: z.literal('slash_tmp') }),
    z.strictObject({ kind: z.literal('unknown'), path: z.string().refine(noNul), subpath: subpathSchema().optional() }),
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
        .min(1)
        .refine(noNul, { message: 'pattern contains a NUL byte' })
        .refine(noReplacement, { message: `pattern ${REPLACEMENT_MESSAGE}` }),
    }),
  ]),
);

export const accessSchema = onFirstUse((z) => z.enum(['read', 'write', 'deny', 'none']));

export const entrySchema = onFirstUse((z) =>
  z
    .strictObject({
      path: fileSystemPathSchema(),
      access: accessSchema(),
      missing_path_behavior: z.enum(['skip']).optional(),
    })
    .refine((e) => e.path.type !== 'glob_pattern' || e.access === 'deny' || e.access === 'none', {
      message: 'glob_pattern entries only support deny access; use an exact path for read or write',
      path: ['access'],
    }),
);

const globDepthSchema = onFirstUse((z) => z.number().int().min(1, { message: 'glob_scan_max_depth must be at least 1' }));

export const fileSystemPolicySchema = onFirstUse((z) =>
  z
    .strictObject({
      kind: z.enum(['restricted', 'unrestricted', 'external-sandbox']).optional(),
      entries: z.array(entrySchema()).optional(),
      glob_scan_max_depth: globDepthSchema().optional(),
    })
    .refine((p) => (p.kind ?? 'restricted') === 'restricted' || (p.entries ?? []).length === 0, {
      message: 'entries are only allowed with kind "restricted"',
      path: ['entries'],
    }),
);

export const networkPolicySchema = onFirstUse((z) => z.enum(['restricted', 'enabled']));

export const permissionProfileSchema = onFirstUse((z) =>
  z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('managed'),
      file_system: z.discriminatedUnion('type', [
        z.strictObject({
          type: z.literal('restricted'),
          entries: z.array(entrySchema()).optional(),
          glob_scan_max_depth: globDepthSchema().optional(),
        }),
        z.strictObject({ type: z.literal('unrestricted') }),
      ]),
      network: networkPolicySchema().optional(),
    }),
    z.strictObject({ type: z.literal('disabled') }),
    z.strictObject({ type: z.literal('external'), network: networkPolicySchema().optional() }),
  ]),
);

/** The older untagged profile: `{network:{enabled}, file_system:{entries, glob_scan_max_depth}}`. */
export const untaggedProfileSchema = onFirstUse((z) =>
  z.strictObject({
    network: z.strictObject({ enabled: z.boolean().optional() }).optional(),
    file_system: z
      .strictObject({ entries: z.array(entrySchema()).optional(), glob_scan_max_depth: globDepthSchema().optional() })
      .optional(),
  }),
);

const readOnlyAccessSchema = onFirstUse((z) =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('full-access') }),
    z.strictObject({
      type: z.literal('restricted'),
      include_platform_defaults: z.boolean().optional(),
      readable_roots: z.array(absolutePathSchema()).optional(),
    }),
  ]),
);

export const legacyPolicySchema = onFirstUse((z) =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('danger-full-access') }),
    z.strictObject({
      type: z.literal('read-only'),
      access: readOnlyAccessSchema().optional(),
      network_access: z.boolean().optional(),
    }),
    z.strictObject({ type: z.literal('external-sandbox'), network_access: networkPolicySchema().optional() }),
    z.strictObject({
      type: z.literal('workspace-write'),
      writable_roots: z.array(absolutePathSchema()).optional(),
      read_only_access: readOnlyAccessSchema().optional(),
      network_access: z.boolean().optional(),
      exclude_tmpdir_env_var: z.boolean().optional(),
      exclude_slash_tmp: z.boolean().optional(),
    }),
  ]),
);

const readOnlyAccessCamelSchema = onFirstUse((z) =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('fullAccess') }),
    z.strictObject({
      type: z.literal('restricted'),
      includePlatformDefaults: z.boolean().optional(),
      readableRoots: z.array(absolutePathSchema()).optional(),
    }),
  ]),
);

/** The app-server v2 camelCase twin of the legacy policy. */
export const legacyPolicyCamelSchema = onFirstUse((z) =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('dangerFullAccess') }),
    z.strictObject({
      type: z.literal('readOnly'),
      access: readOnlyAccessCamelSchema().optional(),
      networkAccess: z.boolean().optional(),
    }),
    z.strictObject({ type: z.literal('externalSandbox'), networkAccess: networkPolicySchema().optional() }),
    z.strictObject({
      type: z.literal('workspaceWrite'),
      writableRoots: z.array(absolutePathSchema()).optional(),
      readOnlyAccess: readOnlyAccessCamelSchema().optional(),
      networkAccess: z.boolean().optional(),
      excludeTmpdirEnvVar: z.boolean().optional(),
      excludeSlashTmp: z.boolean().optional(),
    }),
  ]),
);

export const PROFILE_TYPES = ['managed', 'disabled', 'external'] as const;
export const LEGACY_TYPES = ['danger-full-access', 'read-only', 'external-sandbox', 'workspace-write'] as const;
export const LEGACY_CAMEL_TYPES = ['dangerFullAccess', 'readOnly', 'externalSandbox', 'workspaceWrite'] as const;

export type EntryWire = Zod.infer<ReturnType<typeof entrySchema>>;
