// Windows Firewall rules for the offline sandbox account, through INetFwPolicy2 (docs/reference.md#windows-elevated-backend).
// The rules themselves (names, directions, addresses, ports) come from the setup request.
#ifndef CODEX_SANDBOX_WIN_FIREWALL_H
#define CODEX_SANDBOX_WIN_FIREWALL_H

#include <string>
#include <vector>

struct FirewallRuleSpec {
  std::wstring name;
  std::wstring direction;  // in | out
  std::wstring protocol;   // any | tcp | udp
  std::wstring remote_addresses;
  std::wstring remote_ports;  // empty: every port
};

// Creates or replaces each rule, scoped to `account_sid` by LocalUserAuthorizedList, reads the
// scope back, then removes the `remove` rules. On failure returns false and sets *error_code to
// the reference's snake_case code (helper_firewall_policy_ineffective, ...).
bool apply_firewall_rules(const std::vector<FirewallRuleSpec>& rules, const std::vector<std::wstring>& remove,
                          const std::wstring& account_sid, std::wstring* error_code);

// Removes rules by name; a missing rule counts as removed.
bool remove_firewall_rules(const std::vector<std::wstring>& names);

#endif
