// The setup request (`csbx-windows-request 1 setup`) as typed fields; unknown keywords fail.
#ifndef CODEX_SANDBOX_WIN_SETUP_CONFIG_H
#define CODEX_SANDBOX_WIN_SETUP_CONFIG_H

#include <string>
#include <vector>

#include "acl.h"
#include "firewall.h"
#include "request.h"

struct SetupConfig {
  DWORD setup_version = 0;
  std::wstring offline_user;
  std::wstring online_user;
  std::wstring group;
  std::wstring sandbox_dir;
  std::wstring secrets_dir;
  std::wstring bin_dir;
  std::wstring secrets_file;
  std::wstring marker_file;
  std::vector<DWORD> proxy_ports;
  bool allow_local_binding = false;
  std::vector<FirewallRuleSpec> firewall_rules;
  std::vector<std::wstring> firewall_remove;
  std::vector<AclOp> acl_ops;
};

bool parse_setup_config(const Request& request, SetupConfig* out, std::wstring* error);

#endif
