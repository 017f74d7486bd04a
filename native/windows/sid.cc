// SID resolution (see sid.h).
#include "sid.h"

#include <sddl.h>

#include "win-error.h"

bool copy_sid(PSID sid, OwnedSid* out) {
  if (sid == nullptr || !IsValidSid(sid)) {
    SetLastError(ERROR_INVALID_SID);
    return false;
  }
  const DWORD len = GetLengthSid(sid);
  out->bytes.assign(len, 0);
  return CopySid(len, out->get(), sid) != FALSE;
}

bool sid_from_string(const std::wstring& text, OwnedSid* out) {
  PSID sid = nullptr;
  if (!ConvertStringSidToSidW(text.c_str(), &sid)) return false;
  const bool ok = copy_sid(sid, out);
  const DWORD saved = GetLastError();
  LocalFree(sid);
  SetLastError(saved);
  return ok;
}

bool sid_for_account(const std::wstring& name, OwnedSid* out) {
  DWORD sid_len = 0;
  DWORD domain_len = 0;
  SID_NAME_USE use;
  LookupAccountNameW(nullptr, name.c_str(), nullptr, &sid_len, nullptr, &domain_len, &use);
  if (GetLastError() != ERROR_INSUFFICIENT_BUFFER) return false;
  out->bytes.assign(sid_len, 0);
  std::vector<wchar_t> domain(domain_len + 1, L'\0');
  return LookupAccountNameW(nullptr, name.c_str(), out->get(), &sid_len, domain.data(), &domain_len, &use) != FALSE;
}

// GetTokenInformation into a buffer sized by a first call.
static bool token_info(HANDLE token, TOKEN_INFORMATION_CLASS cls, std::vector<BYTE>* buf) {
  DWORD len = 0;
  GetTokenInformation(token, cls, nullptr, 0, &len);
  if (GetLastError() != ERROR_INSUFFICIENT_BUFFER) return false;
  buf->assign(len, 0);
  return GetTokenInformation(token, cls, buf->data(), len, &len) != FALSE;
}

bool token_user_sid(HANDLE token, OwnedSid* out) {
  std::vector<BYTE> buf;
  if (!token_info(token, TokenUser, &buf)) return false;
  return copy_sid(reinterpret_cast<TOKEN_USER*>(buf.data())->User.Sid, out);
}

static bool find_logon_sid(HANDLE token, OwnedSid* out) {
  std::vector<BYTE> buf;
  if (!token_info(token, TokenGroups, &buf)) return false;
  const TOKEN_GROUPS* groups = reinterpret_cast<const TOKEN_GROUPS*>(buf.data());
  for (DWORD i = 0; i < groups->GroupCount; ++i) {
    if ((groups->Groups[i].Attributes & SE_GROUP_LOGON_ID) == SE_GROUP_LOGON_ID) return copy_sid(groups->Groups[i].Sid, out);
  }
  SetLastError(ERROR_NOT_FOUND);
  return false;
}

bool token_logon_sid(HANDLE token, OwnedSid* out) {
  if (find_logon_sid(token, out)) return true;
  TOKEN_LINKED_TOKEN linked;
  DWORD len = 0;
  if (!GetTokenInformation(token, TokenLinkedToken, &linked, sizeof(linked), &len)) {
    SetLastError(ERROR_NOT_FOUND);
    return false;
  }
  const bool ok = find_logon_sid(linked.LinkedToken, out);
  const DWORD saved = GetLastError();
  CloseHandle(linked.LinkedToken);
  SetLastError(ok ? ERROR_SUCCESS : saved);
  return ok;
}

bool world_sid(OwnedSid* out) {
  DWORD len = SECURITY_MAX_SID_SIZE;
  out->bytes.assign(len, 0);
  if (!CreateWellKnownSid(WinWorldSid, nullptr, out->get(), &len)) return false;
  out->bytes.resize(len);
  return true;
}

bool resolve_principal(const std::wstring& principal, HANDLE token, OwnedSid* out) {
  if (principal == L"@user") {
    if (token_user_sid(token, out)) return true;
    report_win32(L"GetTokenInformation", L"TokenUser", GetLastError());
    return false;
  }
  if (principal == L"@logon") {
    if (token_logon_sid(token, out)) return true;
    // The reference's wording for this case (docs/reference.md#windows-restricted-token).
    report_win32(L"GetTokenInformation", L"TokenGroups (Logon SID not present on token)", GetLastError());
    return false;
  }
  if (principal.compare(0, 2, L"S-") == 0) {
    if (sid_from_string(principal, out)) return true;
    report_win32(L"ConvertStringSidToSidW", principal.c_str(), GetLastError());
    return false;
  }
  if (sid_for_account(principal, out)) return true;
  report_win32(L"LookupAccountNameW", principal.c_str(), GetLastError());
  return false;
}

std::wstring sid_to_string(PSID sid) {
  LPWSTR text = nullptr;
  if (!ConvertSidToStringSidW(sid, &text)) return std::wstring();
  std::wstring out(text);
  LocalFree(text);
  return out;
}
