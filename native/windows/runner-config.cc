// Runner request to typed fields (see runner-config.h).
#include "runner-config.h"

static bool single(const RequestLine& line, size_t fields, std::wstring* slot, bool* seen, std::wstring* error) {
  if (line.size() != fields + 1) {
    *error = line[0] + L": wrong number of fields";
    return false;
  }
  if (*seen) {
    *error = line[0] + L": given twice";
    return false;
  }
  *seen = true;
  *slot = line[1];
  return true;
}

bool parse_runner_config(const Request& request, RunnerConfig* out, std::wstring* error) {
  *out = RunnerConfig();
  if (request.kind != L"runner") {
    *error = L"not a runner request (kind " + request.kind + L")";
    return false;
  }
  bool seen_backend = false, seen_user = false, seen_secrets = false, seen_dir = false, seen_flags = false;
  bool seen_cwd = false, seen_desktop = false, seen_cmd = false, seen_denybin = false;
  for (const RequestLine& line : request.lines) {
    const std::wstring& kw = line[0];
    std::wstring value;
    if (kw == L"backend") {
      if (!single(line, 1, &out->backend, &seen_backend, error)) return false;
    } else if (kw == L"logon_user") {
      if (!single(line, 1, &out->logon_user, &seen_user, error)) return false;
    } else if (kw == L"secrets_file") {
      if (!single(line, 1, &out->secrets_file, &seen_secrets, error)) return false;
    } else if (kw == L"request_dir") {
      if (!single(line, 1, &out->request_dir, &seen_dir, error)) return false;
    } else if (kw == L"token_flags") {
      if (!single(line, 1, &value, &seen_flags, error)) return false;
      if (!parse_dword(value, &out->token.flags)) {
        *error = L"token_flags: not a number";
        return false;
      }
    } else if (kw == L"restricting_sid" || kw == L"default_dacl_sid" || kw == L"enable_privilege") {
      if (line.size() != 2) {
        *error = kw + L": wrong number of fields";
        return false;
      }
      std::vector<std::wstring>& list = kw == L"restricting_sid"    ? out->token.restricting_sids
                                        : kw == L"default_dacl_sid" ? out->token.default_dacl_sids
                                                                    : out->token.enable_privileges;
      list.push_back(line[1]);
    } else if (kw == L"retry_without_user_sid_on") {
      DWORD code = 0;
      if (line.size() != 2 || !parse_dword(line[1], &code)) {
        *error = L"retry_without_user_sid_on: needs one error number";
        return false;
      }
      out->token.retry_without_user_sid_on.push_back(code);
    } else if (is_acl_keyword(kw)) {
      AclOp op;
      if (!parse_acl_op(line, &op, error)) return false;
      out->acl_ops.push_back(op);
    } else if (kw == L"revoke_after_exit") {
      if (line.size() < 3 || line[1].empty()) {
        *error = L"revoke_after_exit: needs a path and at least one principal";
        return false;
      }
      out->revoke_after_exit.push_back(RevokeOp{line[1], std::vector<std::wstring>(line.begin() + 2, line.end())});
    } else if (kw == L"revoke_nul_device_after_exit") {
      if (line.size() < 2) {
        *error = L"revoke_nul_device_after_exit: needs at least one principal";
        return false;
      }
      out->revoke_after_exit.push_back(RevokeOp{std::wstring(), std::vector<std::wstring>(line.begin() + 1, line.end())});
    } else if (kw == L"audit_limits") {
      if (line.size() != 4 || !parse_dword(line[1], &out->audit.max_millis) || !parse_dword(line[2], &out->audit.max_checks) ||
          !parse_dword(line[3], &out->audit.max_entries_per_dir)) {
        *error = L"audit_limits: needs milliseconds, checks and entries per directory";
        return false;
      }
      out->audit.present = true;
    } else if (kw == L"audit_mask") {
      if (line.size() != 2 || !parse_dword(line[1], &out->audit.mask)) {
        *error = L"audit_mask: needs a mask";
        return false;
      }
    } else if (kw == L"audit_principal" || kw == L"audit_skip_suffix" || kw == L"audit_exclude") {
      if (line.size() != 2 || line[1].empty()) {
        *error = kw + L": needs one value";
        return false;
      }
      (kw == L"audit_principal"     ? out->audit.principals
       : kw == L"audit_skip_suffix" ? out->audit.skip_suffixes
                                    : out->audit.exclude)
          .push_back(line[1]);
    } else if (kw == L"audit_scan") {
      if (line.size() != 4 || (line[1] != L"self" && line[1] != L"no-self") || (line[2] != L"children" && line[2] != L"no-children") ||
          line[3].empty()) {
        *error = L"audit_scan: needs self|no-self, children|no-children and a path";
        return false;
      }
      AuditScan scan;
      scan.self = line[1] == L"self";
      scan.children = line[2] == L"children";
      scan.path = line[3];
      out->audit.scan.push_back(scan);
    } else if (kw == L"denybin_dir") {
      if (!single(line, 1, &out->denybin_dir, &seen_denybin, error)) return false;
    } else if (kw == L"denybin_stub") {
      if (line.size() != 3) {
        *error = L"denybin_stub: needs a name and content";
        return false;
      }
      out->denybin_stubs.push_back(DenybinStub{line[1], line[2]});
    } else if (kw == L"denybin_remove") {
      if (line.size() != 2) {
        *error = L"denybin_remove: needs a name";
        return false;
      }
      out->denybin_remove.push_back(line[1]);
    } else if (kw == L"env") {
      if (line.size() != 3 || line[1].empty() || line[1].find(L'=', 1) != std::wstring::npos) {
        *error = L"env: needs a name without '=' and a value";
        return false;
      }
      out->launch.env_set.push_back(std::make_pair(line[1], line[2]));
    } else if (kw == L"cwd") {
      if (!single(line, 1, &out->launch.cwd, &seen_cwd, error)) return false;
    } else if (kw == L"desktop") {
      if (!single(line, 1, &out->launch.desktop, &seen_desktop, error)) return false;
      out->launch.has_desktop = true;
    } else if (kw == L"kill_on_job_close") {
      if (line.size() != 1) {
        *error = L"kill_on_job_close takes no fields";
        return false;
      }
      out->kill_on_job_close = true;
    } else if (kw == L"command_line") {
      if (!single(line, 1, &out->launch.command_line, &seen_cmd, error)) return false;
    } else {
      *error = L"unknown keyword " + kw + L" (planner and helper versions differ?)";
      return false;
    }
  }
  if (out->backend != L"windows-token" && out->backend != L"windows-elevated") {
    *error = L"backend must be windows-token or windows-elevated";
    return false;
  }
  if (!seen_cmd || !seen_cwd || !seen_flags) {
    *error = L"request lacks command_line, cwd or token_flags";
    return false;
  }
  if (!out->kill_on_job_close) {
    *error = L"request lacks kill_on_job_close; the runner never starts a command outside a kill-on-close job";
    return false;
  }
  if (out->audit.present && (out->audit.mask == 0 || out->audit.principals.empty())) {
    *error = L"audit_limits given without audit_mask or audit_principal";
    return false;
  }
  if (out->backend == L"windows-elevated" && (!seen_user || !seen_secrets || !seen_dir)) {
    *error = L"elevated request lacks logon_user, secrets_file or request_dir";
    return false;
  }
  return true;
}
