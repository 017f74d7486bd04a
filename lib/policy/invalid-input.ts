// policy/invalid-input: turns schema issues (zod) and malformed JSON into one PolicyInvalidError
// that names the bad key or value, its position, the source and the next step. ZodErrors stop
// here; nothing outside policy/ ever sees one.

import type * as z from 'zod/mini';
import { type ErrorIssue, type ErrorSource, PolicyInvalidError, renderPath, renderSource, truncateValue } from '../errors';
import { parseStrictJson, type DuplicateKey } from './strict-json';

/** Every key of every policy wire form, for "did you mean" suggestions. */
const KNOWN_KEYS = [
  'type',
  'kind',
  'entries',
  'path',
  'access',
  'value',
  'subpath',
  'pattern',
  'missing_path_behavior',
  'glob_scan_max_depth',
  'file_system',
  'network',
  'enabled',
  'network_access',
  'writable_roots',
  'read_only_access',
  'exclude_tmpdir_env_var',
  'exclude_slash_tmp',
  'include_platform_defaults',
  'readable_roots',
  'networkAccess',
  'writableRoots',
  'readOnlyAccess',
  'excludeTmpdirEnvVar',
  'excludeSlashTmp',
  'includePlatformDefaults',
  'readableRoots',
  'fileSystem',
  'missingPathBehavior',
  'globScanMaxDepth',
];

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function suggestKey(key: string): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  // Compared without case or underscores, so `network_access` in a camelCase policy suggests
  // `networkAccess` and the reverse.
  const fold = (s: string): string => s.toLowerCase().replace(/_/g, '');
  for (const known of KNOWN_KEYS) {
    if (known === key) continue;
    const d = editDistance(fold(key), fold(known));
    if (d < bestDistance) {
      best = known;
      bestDistance = d;
    }
  }
  return best;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

/**
 * A value fit for an error: JSON nested deeper than the stack allows cannot be stringified (and
 * String() of such an array overflows too), so it is replaced by a placeholder.
 */
export function printableValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  try {
    JSON.stringify(value);
    return value;
  } catch {
    return Array.isArray(value) ? '[deeply nested array]' : '{deeply nested object}';
  }
}

function show(value: unknown): string {
  const short = truncateValue(printableValue(value));
  return typeof short === 'string' ? JSON.stringify(short) : (JSON.stringify(short) ?? String(short));
}

function where(path: readonly (string | number)[]): string {
  return path.length === 0 ? 'at the top level' : `at ${renderPath(path)}`;
}

function from(source: ErrorSource | undefined): string {
  return source === undefined ? '' : ` (${renderSource(source)})`;
}

function describe(issue: z.core.$ZodIssue, input: unknown, source: ErrorSource | undefined): ErrorIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const at = `${where(path)}${from(source)}`;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const guess = suggestKey(key);
        const next = guess === undefined ? 'remove it' : `did you mean "${guess}"?`;
        return { message: `unknown key "${key}" ${at}; ${next}`, path: [...path, key] };
      });
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      const discriminator = (issue as { discriminator?: string }).discriminator;
      if (options !== undefined && discriminator !== undefined) {
        const actual = valueAt(input, path);
        const what = actual === undefined ? `missing "${discriminator}"` : `unknown ${discriminator} ${show(actual)}`;
        return [{ message: `${what} ${at}; expected one of ${options.map((o) => JSON.stringify(o)).join(', ')}`, path }];
      }
      return [{ message: `invalid value ${show(valueAt(input, path))} ${at}`, path }];
    }
    case 'invalid_value':
      return [
        {
          message: `invalid value ${show(valueAt(input, path))} ${at}; expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
          path,
        },
      ];
    case 'invalid_type': {
      const actual = valueAt(input, path);
      if (actual === undefined) return [{ message: `missing required key ${where(path)}${from(source)}; add it`, path }];
      const got = actual === null ? 'null' : Array.isArray(actual) ? 'array' : typeof actual;
      return [{ message: `expected ${issue.expected} ${at}, got ${got} ${show(actual)}`, path }];
    }
    default:
      return [{ message: `${issue.message}: ${show(valueAt(input, path))} ${at}`, path }];
  }
}

/** Converts a failed safeParse into the error the caller throws. */
export function policyErrorFromZod(error: z.core.$ZodError, input: unknown, what: string, source?: ErrorSource): PolicyInvalidError {
  const issues = error.issues.flatMap((issue) => describe(issue, input, source));
  const first = issues[0] ?? { message: `invalid ${what}${from(source)}`, path: [] };
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return new PolicyInvalidError(`invalid ${what}: ${first.message}${more}`, {
    path: first.path,
    value: printableValue(valueAt(input, first.path)),
    issues,
    ...(source === undefined ? {} : { source }),
  });
}

/** The error for a key given twice in policy JSON text (strict-json.ts). */
export function duplicateKeyError(duplicate: DuplicateKey, text: string, what: string, source?: ErrorSource): PolicyInvalidError {
  const where = duplicate.path.length === 0 ? 'the top level' : renderPath(duplicate.path);
  return new PolicyInvalidError(
    `invalid ${what}: duplicate key ${JSON.stringify(duplicate.key)} at ${where} (character ${duplicate.position})${from(source)}; give each key once`,
    { path: [...duplicate.path, duplicate.key], value: text, ...(source === undefined ? {} : { source }) },
  );
}

/**
 * Parses a JSON string; malformed JSON, or a key given twice in one object (JSON.parse would keep
 * the last silently, issue #20), is a PolicyInvalidError naming the source.
 */
export function parseJsonText(text: string, what: string, source?: ErrorSource): unknown {
  const parsed = parseStrictJson(text);
  if (parsed.ok) return parsed.value;
  if ('duplicate' in parsed) throw duplicateKeyError(parsed.duplicate, text, what, source);
  throw new PolicyInvalidError(`invalid ${what}: malformed JSON (${parsed.error.message})${from(source)}; pass a JSON object`, {
    value: text,
    cause: parsed.error,
    ...(source === undefined ? {} : { source }),
  });
}
