// platform/windows/render-request: the one renderer from typed ops to the native request format.
//
// Format (parsed by native/windows/request.cc): UTF-8 lines, `\n`-terminated; the first line is
// `csbx-windows-request 1 <runner|setup>`, the last is `end`. Every other line is a keyword and
// tab-separated fields. Inside a field `%`, tab, CR and LF are written `%25`, `%09`, `%0D`, `%0A`,
// so any environment value survives; file names cannot hold those characters anyway. The request
// travels on stdin or in a file, never in argv, so the 32,767-character command-line limit that
// broke the reference's base64 payloads (docs/reference.md#windows-elevated-backend) does not apply. May import this folder only.

import type { AclOp, LaunchSpec, RevokeOp, TokenSpec } from './plan-types';
import type { AdvisoryNetworkBlock } from './child-env';
import type { FirewallRule } from './firewall-rules';
import { formatMask } from './security-ids';
import type { WorldWritableAudit } from './world-writable';

export const REQUEST_VERSION = 1;

/** Escapes one field. */
export function escapeField(value: string): string {
  return value.replace(/[%\t\r\n]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** Inverse of escapeField, for tests and for reading requests back. */
export function unescapeField(value: string): string {
  return value.replace(/%(25|09|0D|0A)/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

function line(keyword: string, ...fields: (string | number)[]): string {
  return [keyword, ...fields.map((f) => escapeField(String(f)))].join('\t');
}

function aclLines(ops: AclOp[]): string[] {
  return ops.map((op) => {
    switch (op.kind) {
      case 'ace':
        return line('ace', op.action, formatMask(op.mask), op.ifMissing, op.path, ...op.principals);
      case 'ace-children':
        return line('ace_children', op.action, formatMask(op.mask), op.parent, op.exceptNames.length, ...op.exceptNames, ...op.principals);
      case 'nul-device':
        return line('nul_device', formatMask(op.mask), ...op.principals);
    }
  });
}

export interface RunnerRequestInput {
  backend: 'windows-token' | 'windows-elevated';
  token: TokenSpec;
  /** ACL ops the runner applies itself (the token backend's; elevated ones go to setup). */
  aclOps: AclOp[];
  env: Record<string, string>;
  advisoryNetworkBlock: AdvisoryNetworkBlock | null;
  launch: LaunchSpec;
  /** Elevated only: who to log on as and where the credentials and request files live. */
  logon: { user: string; secretsFile: string; requestDir: string } | null;
  /** ACEs to remove after the job is closed. */
  revertAfterExit: RevokeOp[];
  worldWritableAudit: WorldWritableAudit | null;
}

/** Renders what the runner (`codex-sandbox-helper.exe --request-stdin`) needs. */
export function renderRunnerRequest(input: RunnerRequestInput): string {
  const out = [`csbx-windows-request ${REQUEST_VERSION} runner`, line('backend', input.backend)];
  if (input.logon !== null) {
    out.push(line('logon_user', input.logon.user), line('secrets_file', input.logon.secretsFile), line('request_dir', input.logon.requestDir));
  }
  out.push(line('token_flags', formatMask(input.token.flagBits)));
  for (const sid of input.token.restrictingSids) out.push(line('restricting_sid', sid));
  for (const sid of input.token.defaultDaclSids) out.push(line('default_dacl_sid', sid));
  for (const p of input.token.enablePrivileges) out.push(line('enable_privilege', p));
  for (const code of input.token.retryWithoutUserSidOn) out.push(line('retry_without_user_sid_on', code));
  out.push(...aclLines(input.aclOps));
  for (const r of input.revertAfterExit) {
    out.push(r.kind === 'revoke' ? line('revoke_after_exit', r.path, ...r.principals) : line('revoke_nul_device_after_exit', ...r.principals));
  }
  if (input.worldWritableAudit !== null) {
    const a = input.worldWritableAudit;
    out.push(line('audit_limits', a.maxMillis, a.maxChecks, a.maxEntriesPerDir), line('audit_mask', formatMask(a.mask)));
    for (const p of a.principals) out.push(line('audit_principal', p));
    for (const s of a.scan) out.push(line('audit_scan', s.self ? 'self' : 'no-self', s.children ? 'children' : 'no-children', s.path));
    for (const suffix of a.skipSuffixes) out.push(line('audit_skip_suffix', suffix));
    for (const root of a.exclude) out.push(line('audit_exclude', root));
  }
  if (input.advisoryNetworkBlock !== null) {
    const block = input.advisoryNetworkBlock;
    out.push(line('denybin_dir', block.dir));
    for (const s of block.stubs) out.push(line('denybin_stub', s.name, s.content));
    for (const name of block.remove) out.push(line('denybin_remove', name));
  }
  for (const key of Object.keys(input.env).sort()) out.push(line('env', key, input.env[key]));
  out.push(line('cwd', input.launch.cwd));
  if (input.launch.desktop !== null) out.push(line('desktop', input.launch.desktop));
  if (input.launch.killOnJobClose) out.push('kill_on_job_close');
  out.push(line('command_line', input.launch.commandLine), 'end');
  return `${out.join('\n')}\n`;
}

export interface SetupRequestInput {
  setupVersion: number;
  accounts: { offline: string; online: string; group: string };
  stateDirs: { sandbox: string; secrets: string; bin: string };
  secretsFile: string;
  markerFile: string;
  aclOps: AclOp[];
  firewall: { proxyPorts: number[]; allowLocalBinding: boolean; rules: FirewallRule[]; remove: string[] };
}

/**
 * Renders what the setup executable (`codex-sandbox-setup.exe --request-stdin`) needs. Whether it
 * provisions accounts (elevated, first run) or only refreshes ACLs is its `--refresh-only` flag,
 * chosen at spawn time from the setup marker, so the request is the same either way.
 */
export function renderSetupRequest(input: SetupRequestInput): string {
  const out = [
    `csbx-windows-request ${REQUEST_VERSION} setup`,
    line('setup_version', input.setupVersion),
    line('offline_user', input.accounts.offline),
    line('online_user', input.accounts.online),
    line('group', input.accounts.group),
    line('state_dir', 'sandbox', input.stateDirs.sandbox),
    line('state_dir', 'secrets', input.stateDirs.secrets),
    line('state_dir', 'bin', input.stateDirs.bin),
    line('secrets_file', input.secretsFile),
    line('marker_file', input.markerFile),
  ];
  for (const port of input.firewall.proxyPorts) out.push(line('proxy_port', port));
  out.push(line('allow_local_binding', input.firewall.allowLocalBinding ? 1 : 0));
  for (const r of input.firewall.rules) out.push(line('firewall_rule', r.name, r.direction, r.protocol, r.remoteAddresses, r.remotePorts));
  for (const name of input.firewall.remove) out.push(line('firewall_remove', name));
  out.push(...aclLines(input.aclOps), 'end');
  return `${out.join('\n')}\n`;
}

/** Parses a rendered request back into keyword + fields lines (tests; the C++ parser mirrors it). */
export function parseRequestLines(text: string): { header: string; lines: string[][] } {
  const rows = text.split('\n');
  if (rows[rows.length - 1] !== '') throw new Error('request does not end with a newline');
  rows.pop();
  const header = rows.shift() ?? '';
  if (rows[rows.length - 1] !== 'end') throw new Error('request does not end with "end"');
  rows.pop();
  return { header, lines: rows.map((r) => r.split('\t').map(unescapeField)) };
}
