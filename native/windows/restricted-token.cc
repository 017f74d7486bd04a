// Restricted token construction (see restricted-token.h).
#include "restricted-token.h"

#include <aclapi.h>

#include "sid.h"
#include "win-error.h"

bool open_own_token(HANDLE* out) {
  const DWORD access =
      TOKEN_DUPLICATE | TOKEN_QUERY | TOKEN_ASSIGN_PRIMARY | TOKEN_ADJUST_DEFAULT | TOKEN_ADJUST_SESSIONID | TOKEN_ADJUST_PRIVILEGES;
  if (OpenProcessToken(GetCurrentProcess(), access, out)) return true;
  report_win32(L"OpenProcessToken", L"current process", GetLastError());
  return false;
}

// GENERIC_ALL for each principal, so the child can create and open its own IPC objects
// (PowerShell pipelines fail without it, docs/reference.md#windows-restricted-token).
static bool set_default_dacl(HANDLE token, HANDLE base, const std::vector<std::wstring>& principals) {
  std::vector<OwnedSid> sids(principals.size());
  std::vector<EXPLICIT_ACCESS_W> ea(principals.size());
  for (size_t i = 0; i < principals.size(); ++i) {
    if (!resolve_principal(principals[i], base, &sids[i])) return false;
    ZeroMemory(&ea[i], sizeof(ea[i]));
    ea[i].grfAccessPermissions = GENERIC_ALL;
    ea[i].grfAccessMode = GRANT_ACCESS;
    ea[i].grfInheritance = NO_INHERITANCE;
    ea[i].Trustee.TrusteeForm = TRUSTEE_IS_SID;
    ea[i].Trustee.TrusteeType = TRUSTEE_IS_UNKNOWN;
    ea[i].Trustee.ptstrName = static_cast<LPWSTR>(sids[i].get());
  }
  PACL dacl = nullptr;
  const DWORD rc = SetEntriesInAclW(static_cast<ULONG>(ea.size()), ea.data(), nullptr, &dacl);
  if (rc != ERROR_SUCCESS) {
    report_win32(L"SetEntriesInAclW", L"token default DACL", rc);
    return false;
  }
  TOKEN_DEFAULT_DACL info;
  info.DefaultDacl = dacl;
  const BOOL ok = SetTokenInformation(token, TokenDefaultDacl, &info, sizeof(info));
  const DWORD err = GetLastError();
  LocalFree(dacl);
  if (!ok) {
    report_win32(L"SetTokenInformation", L"TokenDefaultDacl", err);
    return false;
  }
  return true;
}

static bool enable_privilege(HANDLE token, const std::wstring& name) {
  TOKEN_PRIVILEGES tp;
  tp.PrivilegeCount = 1;
  tp.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
  if (!LookupPrivilegeValueW(nullptr, name.c_str(), &tp.Privileges[0].Luid)) {
    report_win32(L"LookupPrivilegeValueW", name.c_str(), GetLastError());
    return false;
  }
  // AdjustTokenPrivileges succeeds with ERROR_NOT_ALL_ASSIGNED when the privilege is absent;
  // that is a failure here too (docs/reference.md#windows-restricted-token).
  const BOOL ok = AdjustTokenPrivileges(token, FALSE, &tp, 0, nullptr, nullptr);
  const DWORD err = GetLastError();
  if (!ok || err != ERROR_SUCCESS) {
    report_win32(L"AdjustTokenPrivileges", name.c_str(), err);
    return false;
  }
  return true;
}

bool create_restricted_token(HANDLE base, const TokenSpec& spec, bool include_user_sid, HANDLE* out) {
  *out = nullptr;
  std::vector<OwnedSid> sids;
  bool has_capability = false;
  for (const std::wstring& p : spec.restricting_sids) {
    if (p == L"@user" && !include_user_sid) continue;
    if (p.compare(0, 9, L"S-1-5-21-") == 0) has_capability = true;
    sids.push_back(OwnedSid());
    if (!resolve_principal(p, base, &sids.back())) return false;
  }
  if (!has_capability) die(L"no capability SIDs provided");
  std::vector<SID_AND_ATTRIBUTES> restricting(sids.size());
  for (size_t i = 0; i < sids.size(); ++i) {
    restricting[i].Sid = sids[i].get();
    restricting[i].Attributes = 0;
  }
  HANDLE token = nullptr;
  if (!CreateRestrictedToken(base, spec.flags, 0, nullptr, 0, nullptr, static_cast<DWORD>(restricting.size()), restricting.data(),
                             &token)) {
    report_win32(L"CreateRestrictedToken", L"flags from the request", GetLastError());
    return false;
  }
  if (!set_default_dacl(token, base, spec.default_dacl_sids)) {
    CloseHandle(token);
    return false;
  }
  for (const std::wstring& name : spec.enable_privileges) {
    if (!enable_privilege(token, name)) {
      CloseHandle(token);
      return false;
    }
  }
  *out = token;
  return true;
}
