// Setup request to typed fields (see setup-config.h).
#include "setup-config.h"

static bool one(const RequestLine& line, std::wstring* slot, std::wstring* error) {
  if (line.size() != 2 || line[1].empty()) {
    *error = line[0] + L": needs exactly one non-empty value";
    return false;
  }
  if (!slot->empty()) {
    *error = line[0] + L": given twice";
    return false;
  }
  *slot = line[1];
  return true;
}

bool parse_setup_config(const Request& request, SetupConfig* out, std::wstring* error) {
  *out = SetupConfig();
  if (request.kind != L"setup") {
    *error = L"not a setup request (kind " + request.kind + L")";
    return false;
  }
  bool seen_binding = false;
  for (const RequestLine& line : request.lines) {
    const std::wstring& kw = line[0];
    if (kw == L"setup_version") {
      if (line.size() != 2 || !parse_dword(line[1], &out->setup_version) || out->setup_version == 0) {
        *error = L"setup_version: needs a positive number";
        return false;
      }
    } else if (kw == L"offline_user") {
      if (!one(line, &out->offline_user, error)) return false;
    } else if (kw == L"online_user") {
      if (!one(line, &out->online_user, error)) return false;
    } else if (kw == L"group") {
      if (!one(line, &out->group, error)) return false;
    } else if (kw == L"secrets_file") {
      if (!one(line, &out->secrets_file, error)) return false;
    } else if (kw == L"marker_file") {
      if (!one(line, &out->marker_file, error)) return false;
    } else if (kw == L"state_dir") {
      if (line.size() != 3) {
        *error = L"state_dir: needs a role and a path";
        return false;
      }
      std::wstring* slot = line[1] == L"sandbox"   ? &out->sandbox_dir
                           : line[1] == L"secrets" ? &out->secrets_dir
                           : line[1] == L"bin"     ? &out->bin_dir
                                                   : nullptr;
      if (slot == nullptr || !slot->empty() || line[2].empty()) {
        *error = L"state_dir: unknown or repeated role " + line[1];
        return false;
      }
      *slot = line[2];
    } else if (kw == L"proxy_port") {
      DWORD port = 0;
      if (line.size() != 2 || !parse_dword(line[1], &port) || port == 0 || port > 65535) {
        *error = L"proxy_port: needs a port from 1 to 65535";
        return false;
      }
      out->proxy_ports.push_back(port);
    } else if (kw == L"allow_local_binding") {
      if (line.size() != 2 || (line[1] != L"0" && line[1] != L"1") || seen_binding) {
        *error = L"allow_local_binding: needs 0 or 1, once";
        return false;
      }
      seen_binding = true;
      out->allow_local_binding = line[1] == L"1";
    } else if (kw == L"firewall_rule") {
      if (line.size() != 6 || (line[2] != L"in" && line[2] != L"out") || (line[3] != L"any" && line[3] != L"tcp" && line[3] != L"udp")) {
        *error = L"firewall_rule: needs name, in|out, any|tcp|udp, addresses, ports";
        return false;
      }
      out->firewall_rules.push_back(FirewallRuleSpec{line[1], line[2], line[3], line[4], line[5]});
    } else if (kw == L"firewall_remove") {
      if (line.size() != 2) {
        *error = L"firewall_remove: needs a name";
        return false;
      }
      out->firewall_remove.push_back(line[1]);
    } else if (is_acl_keyword(kw)) {
      AclOp op;
      if (!parse_acl_op(line, &op, error)) return false;
      out->acl_ops.push_back(op);
    } else {
      *error = L"unknown keyword " + kw + L" (planner and setup versions differ?)";
      return false;
    }
  }
  if (out->setup_version == 0 || out->offline_user.empty() || out->online_user.empty() || out->group.empty() || out->sandbox_dir.empty() ||
      out->secrets_dir.empty() || out->bin_dir.empty() || out->secrets_file.empty() || out->marker_file.empty() || !seen_binding) {
    *error = L"setup request lacks a required field (version, users, group, state dirs, secrets/marker file, allow_local_binding)";
    return false;
  }
  return true;
}
