// Firewall rules through COM (see firewall.h).
#include <windows.h>
// initguid.h before netfw.h defines the NetFw CLSIDs in this translation unit.
#include <initguid.h>
#include <netfw.h>
#include <oleauto.h>

#include "firewall.h"
#include "win-error.h"

namespace {

// Releases a COM interface at scope exit.
template <typename T>
struct ComPtr {
  T* p = nullptr;
  ~ComPtr() {
    if (p != nullptr) p->Release();
  }
};

// A BSTR freed at scope exit.
struct Bstr {
  BSTR s;
  explicit Bstr(const std::wstring& text) : s(SysAllocStringLen(text.data(), static_cast<UINT>(text.size()))) {}
  ~Bstr() { SysFreeString(s); }
};

struct ComScope {
  HRESULT hr;
  ComScope() : hr(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED)) {}
  ~ComScope() {
    if (SUCCEEDED(hr)) CoUninitialize();
  }
};

bool check(HRESULT hr, const wchar_t* call, const std::wstring& detail) {
  if (SUCCEEDED(hr)) return true;
  report_win32(call, detail.c_str(), static_cast<DWORD>(hr));
  return false;
}

bool open_rules(INetFwPolicy2** policy, INetFwRules** rules) {
  if (!check(CoCreateInstance(CLSID_NetFwPolicy2, nullptr, CLSCTX_INPROC_SERVER, __uuidof(INetFwPolicy2), reinterpret_cast<void**>(policy)),
             L"CoCreateInstance", L"NetFwPolicy2")) {
    return false;
  }
  return check((*policy)->get_Rules(rules), L"INetFwPolicy2::get_Rules", L"");
}

void remove_rule(INetFwRules* rules, const std::wstring& name) {
  // Remove succeeds for a missing name on current Windows; anything else is left for the next run.
  Bstr b(name);
  rules->Remove(b.s);
}

bool add_rule(INetFwRules* rules, const FirewallRuleSpec& spec, const std::wstring& sddl) {
  ComPtr<INetFwRule3> rule;
  if (!check(CoCreateInstance(CLSID_NetFwRule, nullptr, CLSCTX_INPROC_SERVER, __uuidof(INetFwRule3), reinterpret_cast<void**>(&rule.p)),
             L"CoCreateInstance", L"NetFwRule")) {
    return false;
  }
  Bstr name(spec.name);
  Bstr description(L"codex-sandbox: blocks network access of the offline sandbox account");
  Bstr addresses(spec.remote_addresses);
  Bstr users(sddl);
  // 256 is NET_FW_IP_PROTOCOL_ANY, which this SDK's icftypes.h does not name.
  const LONG protocol = spec.protocol == L"tcp" ? NET_FW_IP_PROTOCOL_TCP : spec.protocol == L"udp" ? NET_FW_IP_PROTOCOL_UDP : 256;
  if (!check(rule.p->put_Name(name.s), L"INetFwRule::put_Name", spec.name) ||
      !check(rule.p->put_Description(description.s), L"INetFwRule::put_Description", spec.name) ||
      !check(rule.p->put_Direction(spec.direction == L"in" ? NET_FW_RULE_DIR_IN : NET_FW_RULE_DIR_OUT), L"INetFwRule::put_Direction",
             spec.name) ||
      !check(rule.p->put_Action(NET_FW_ACTION_BLOCK), L"INetFwRule::put_Action", spec.name) ||
      !check(rule.p->put_Enabled(VARIANT_TRUE), L"INetFwRule::put_Enabled", spec.name) ||
      !check(rule.p->put_Profiles(NET_FW_PROFILE2_ALL), L"INetFwRule::put_Profiles", spec.name) ||
      // The protocol must be set before ports: ports exist only for TCP and UDP.
      !check(rule.p->put_Protocol(protocol), L"INetFwRule::put_Protocol", spec.name) ||
      !check(rule.p->put_RemoteAddresses(addresses.s), L"INetFwRule::put_RemoteAddresses", spec.name) ||
      !check(rule.p->put_LocalUserAuthorizedList(users.s), L"INetFwRule3::put_LocalUserAuthorizedList", spec.name)) {
    return false;
  }
  if (!spec.remote_ports.empty()) {
    Bstr ports(spec.remote_ports);
    if (!check(rule.p->put_RemotePorts(ports.s), L"INetFwRule::put_RemotePorts", spec.name)) return false;
  }
  return check(rules->Add(rule.p), L"INetFwRules::Add", spec.name);
}

bool verify_rule(INetFwRules* rules, const FirewallRuleSpec& spec, const std::wstring& account_sid) {
  ComPtr<INetFwRule> rule;
  Bstr name(spec.name);
  if (!check(rules->Item(name.s, &rule.p), L"INetFwRules::Item", spec.name)) return false;
  ComPtr<INetFwRule3> rule3;
  if (!check(rule.p->QueryInterface(__uuidof(INetFwRule3), reinterpret_cast<void**>(&rule3.p)), L"QueryInterface", L"INetFwRule3"))
    return false;
  BSTR list = nullptr;
  if (!check(rule3.p->get_LocalUserAuthorizedList(&list), L"INetFwRule3::get_LocalUserAuthorizedList", spec.name)) return false;
  const bool ok = list != nullptr && std::wstring(list).find(account_sid) != std::wstring::npos;
  SysFreeString(list);
  return ok;
}

}  // namespace

bool apply_firewall_rules(const std::vector<FirewallRuleSpec>& rules, const std::vector<std::wstring>& remove,
                          const std::wstring& account_sid, std::wstring* error_code) {
  ComScope com;
  if (!check(com.hr, L"CoInitializeEx", L"")) {
    *error_code = L"helper_firewall_com_init_failed";
    return false;
  }
  ComPtr<INetFwPolicy2> policy;
  ComPtr<INetFwRules> list;
  if (!open_rules(&policy.p, &list.p)) {
    *error_code = L"helper_firewall_policy_access_failed";
    return false;
  }
  // Group policy can override local rules, or apply them to only some profiles (S_FALSE): then
  // the rules would not hold, so setup fails instead of pretending (docs/reference.md#windows-elevated-backend).
  NET_FW_MODIFY_STATE state = NET_FW_MODIFY_STATE_OK;
  const HRESULT hr = policy.p->get_LocalPolicyModifyState(&state);
  if (hr != S_OK || state != NET_FW_MODIFY_STATE_OK) {
    print_error(L"codex-sandbox-setup: local firewall rules are not effective (LocalPolicyModifyState hr=0x%08lx state=%d)\n",
                static_cast<unsigned long>(hr), static_cast<int>(state));
    *error_code = L"helper_firewall_policy_ineffective";
    return false;
  }
  const std::wstring sddl = L"O:LSD:(A;;CC;;;" + account_sid + L")";
  for (const FirewallRuleSpec& spec : rules) {
    remove_rule(list.p, spec.name);
    if (!add_rule(list.p, spec, sddl)) {
      *error_code = L"helper_firewall_rule_create_failed";
      return false;
    }
    if (!verify_rule(list.p, spec, account_sid)) {
      print_error(L"codex-sandbox-setup: firewall rule %ls is not scoped to %ls after creation\n", spec.name.c_str(), account_sid.c_str());
      *error_code = L"helper_firewall_rule_verify_failed";
      return false;
    }
  }
  // Removed only after the blocks above exist, so there is no moment without them.
  for (const std::wstring& name : remove) remove_rule(list.p, name);
  return true;
}

bool remove_firewall_rules(const std::vector<std::wstring>& names) {
  ComScope com;
  if (!check(com.hr, L"CoInitializeEx", L"")) return false;
  ComPtr<INetFwPolicy2> policy;
  ComPtr<INetFwRules> list;
  if (!open_rules(&policy.p, &list.p)) return false;
  for (const std::wstring& name : names) remove_rule(list.p, name);
  return true;
}
