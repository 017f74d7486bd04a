// errors: the SandboxError family, one subclass per stable code. Imports nothing from lib/.
//
// Every refusal and every bad input that crosses lib/index.ts is one of these. Callers switch on
// `code` (or use isSandboxError) rather than instanceof, because a package loaded once through
// require and once through import has two copies of each class.

export type SandboxErrorCode =
  | 'E_POLICY_INVALID'
  | 'E_UNSUPPORTED_POLICY'
  | 'E_BACKEND_UNAVAILABLE'
  | 'E_CONSTRAINT'
  | 'E_CONFIG_PARSE'
  | 'E_PATCH_PARSE'
  | 'E_PATCH_APPLY'
  | 'E_USAGE'
  | 'E_SPAWN';

/** Where a bad value came from: a config file and key, a CLI flag, or a position in argv. */
export type ErrorSource = { file: string; key?: string; line?: number; column?: number } | { flag: string } | { argIndex: number };

/** One problem found in an input; an error carries all of them, the first is its message. */
export interface ErrorIssue {
  message: string;
  path: (string | number)[];
}

export interface SandboxErrorFields {
  source?: ErrorSource;
  path?: (string | number)[];
  value?: unknown;
  issues?: ErrorIssue[];
  cause?: unknown;
  /** Extra structured data for programs (for example the missing capability). */
  details?: Record<string, unknown>;
}

const BRAND = Symbol.for('codex-sandbox.SandboxError');
const MAX_VALUE_CHARS = 200;

/** Shortens a value for messages and JSON so a 10 MB input never ends up in an error line. */
export function truncateValue(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.length > MAX_VALUE_CHARS ? `${value.slice(0, MAX_VALUE_CHARS)}…` : value;
  }
  if (value === undefined || value === null || typeof value !== 'object') return value;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // Cyclic or too deeply nested to serialize; String() would recurse just as deep.
    return '[unserializable value]';
  }
  if (text === undefined) return '[unserializable value]';
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : value;
}

/** Renders an issue path as `a.b[2].c`. */
export function renderPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}

/** Renders a source as the short phrase used in messages, e.g. `--permission-profile`. */
export function renderSource(source: ErrorSource): string {
  if ('flag' in source) return source.flag;
  if ('argIndex' in source) return `argument ${source.argIndex}`;
  let out = source.file;
  if (source.line !== undefined) {
    out += `:${source.line}`;
    if (source.column !== undefined) out += `:${source.column}`;
  }
  if (source.key !== undefined) out += ` (${source.key})`;
  return out;
}

export class SandboxError extends Error {
  readonly code: SandboxErrorCode;
  readonly source?: ErrorSource;
  readonly path: (string | number)[];
  readonly value?: unknown;
  readonly issues: ErrorIssue[];
  readonly details?: Record<string, unknown>;

  constructor(code: SandboxErrorCode, message: string, fields: SandboxErrorFields = {}) {
    // One line, always: the CLI prints messages verbatim to stderr.
    super(message.replace(/\s*\n\s*/g, ' '), fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = new.target.name;
    this.code = code;
    if (fields.source !== undefined) this.source = fields.source;
    this.path = fields.path ?? [];
    if (fields.value !== undefined) this.value = truncateValue(fields.value);
    this.issues = fields.issues ?? [{ message: this.message, path: this.path }];
    if (fields.details !== undefined) this.details = fields.details;
    Object.defineProperty(this, BRAND, { value: true });
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.source !== undefined) out.source = this.source;
    if (this.path.length > 0) out.path = renderPath(this.path);
    if (this.value !== undefined) out.value = this.value;
    out.issues = this.issues.map((i) => ({ message: i.message, path: renderPath(i.path) }));
    if (this.details !== undefined) out.details = this.details;
    if (this.cause !== undefined) {
      out.cause = this.cause instanceof Error ? this.cause.message : String(this.cause);
    }
    return out;
  }
}

export class PolicyInvalidError extends SandboxError {
  constructor(message: string, fields?: SandboxErrorFields) {
    super('E_POLICY_INVALID', message, fields);
  }
}

export class UnsupportedPolicyError extends SandboxError {
  constructor(message: string, fields?: SandboxErrorFields) {
    super('E_UNSUPPORTED_POLICY', message, fields);
  }
}

export class BackendUnavailableError extends SandboxError {
  constructor(message: string, fields?: SandboxErrorFields) {
    super('E_BACKEND_UNAVAILABLE', message, fields);
  }
}

export class ConstraintError extends SandboxError {
  constructor(message: string, fields?: SandboxErrorFields) {
    super('E_CONSTRAINT', message, fields);
  }
}

export class ConfigParseError extends SandboxError {
  constructor(message: string, fields?: SandboxErrorFields) {
    super('E_CONFIG_PARSE', message, fields);
  }
}

export class PatchParseError extends SandboxError {
  constructor(message: string, fields?: SandboxErrorFields) {
    super('E_PATCH_PARSE', message, fields);
  }
}

export class PatchApplyError extends SandboxError {
  constructor(message: string, fields?: SandboxErrorFields) {
    super('E_PATCH_APPLY', message, fields);
  }
}

/** Bad command-line usage: unknown flag, missing value, missing command. */
export class UsageError extends SandboxError {
  constructor(message: string, fields?: SandboxErrorFields) {
    super('E_USAGE', message, fields);
  }
}

/** The sandbox could not be started (spawn of bwrap or the helper failed before the command ran). */
export class SpawnError extends SandboxError {
  constructor(message: string, fields?: SandboxErrorFields) {
    super('E_SPAWN', message, fields);
  }
}

/** True for any SandboxError, including one from another copy of this package. */
export function isSandboxError(value: unknown): value is SandboxError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
