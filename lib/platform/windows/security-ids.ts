// platform/windows/security-ids: SIDs, access masks and token flags the Windows plans name.
//
// Numbers are the Win32 SDK's (winnt.h); each mask the plans use is built here once, with the
// reference section it mirrors. Capability SIDs are derived, not random: see capabilitySid.
// Imports nothing from lib but the leaf sha256.ts.

import { sha256Hex } from '../../sha256';

export const EVERYONE_SID = 'S-1-1-0';
export const BUILTIN_USERS_SID = 'S-1-5-32-545';
export const BUILTIN_ADMINISTRATORS_SID = 'S-1-5-32-544';
export const LOCAL_SYSTEM_SID = 'S-1-5-18';

const DELETE = 0x0001_0000;
const READ_CONTROL = 0x0002_0000;
const SYNCHRONIZE = 0x0010_0000;
const FILE_READ_DATA = 0x0001;
const FILE_WRITE_DATA = 0x0002;
const FILE_APPEND_DATA = 0x0004;
const FILE_READ_EA = 0x0008;
const FILE_WRITE_EA = 0x0010;
const FILE_EXECUTE = 0x0020;
const FILE_DELETE_CHILD = 0x0040;
const FILE_READ_ATTRIBUTES = 0x0080;
const FILE_WRITE_ATTRIBUTES = 0x0100;
const GENERIC_READ = 0x8000_0000;
const GENERIC_WRITE = 0x4000_0000;

const FILE_GENERIC_READ = READ_CONTROL | FILE_READ_DATA | FILE_READ_ATTRIBUTES | FILE_READ_EA | SYNCHRONIZE;
const FILE_GENERIC_WRITE = READ_CONTROL | FILE_WRITE_DATA | FILE_WRITE_ATTRIBUTES | FILE_WRITE_EA | FILE_APPEND_DATA | SYNCHRONIZE;
const FILE_GENERIC_EXECUTE = READ_CONTROL | FILE_READ_ATTRIBUTES | FILE_EXECUTE | SYNCHRONIZE;

// `|` on numbers gives a signed 32-bit result; masks are unsigned DWORDs.
function dword(n: number): number {
  return n >>> 0;
}

/**
 * Allow on a writable root: read, write, execute and DELETE, deliberately without
 * FILE_DELETE_CHILD, which would let a write to the parent delete protected children whose
 * deny ACEs forbid it (docs/reference.md#windows-restricted-token).
 */
export const MASK_ALLOW_WRITE = dword(FILE_GENERIC_READ | FILE_GENERIC_WRITE | FILE_GENERIC_EXECUTE | DELETE);
/** Deny-write on carve-outs (docs/reference.md#windows-restricted-token). */
export const MASK_DENY_WRITE = dword(FILE_GENERIC_WRITE | FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA | FILE_WRITE_ATTRIBUTES | GENERIC_WRITE | DELETE | FILE_DELETE_CHILD);
/** Deny-read on the sandbox group (docs/reference.md#windows-deny-read). */
export const MASK_DENY_READ = dword(FILE_GENERIC_READ | GENERIC_READ);
/** Read roots granted to the sandbox group (docs/reference.md#windows-elevated-backend). */
export const MASK_GRANT_READ = dword(FILE_GENERIC_READ | FILE_GENERIC_EXECUTE);
/** The NUL device grant (docs/reference.md#windows-restricted-token). */
export const MASK_NUL_DEVICE = dword(FILE_GENERIC_READ | FILE_GENERIC_WRITE | FILE_GENERIC_EXECUTE);

/** CreateRestrictedToken flags (docs/reference.md#windows-restricted-token): DISABLE_MAX_PRIVILEGE | LUA_TOKEN | WRITE_RESTRICTED. */
export const TOKEN_FLAG_NAMES = ['DISABLE_MAX_PRIVILEGE', 'LUA_TOKEN', 'WRITE_RESTRICTED'] as const;
export const TOKEN_FLAGS = 0x1 | 0x4 | 0x8;

/** Mask rendered as the 8-digit hex the native side parses. */
export function formatMask(mask: number): string {
  return `0x${dword(mask).toString(16).padStart(8, '0')}`;
}

/**
 * A capability SID for one key: `S-1-5-21-a-b-c-d`, domain-shaped and registered nowhere, as in
 * the reference (docs/reference.md#windows-restricted-token). The reference draws the four numbers at random and stores them in
 * `cap_sid`; here they are the first 16 bytes of SHA-256 over a namespaced key, so a plan is a
 * pure function of its inputs and needs no state file. The SID is not a secret: only a token
 * that carries it as a restricting SID gains anything, and only this package mints such tokens.
 */
export function capabilitySid(namespace: string, key: string): string {
  const digest = Buffer.from(sha256Hex(`codex-sandbox capability v1\u0000${namespace}\u0000${key}`), 'hex');
  const parts = [0, 4, 8, 12].map((off) => digest.readUInt32LE(off));
  return `S-1-5-21-${parts.join('-')}`;
}
