// The restricted token of docs/reference.md#windows-restricted-token: CreateRestrictedToken from this process's token with
// the flags and restricting SIDs the request lists, a default DACL for the child's own objects,
// and the privileges it must keep enabled.
#ifndef CODEX_SANDBOX_WIN_RESTRICTED_TOKEN_H
#define CODEX_SANDBOX_WIN_RESTRICTED_TOKEN_H

#include <windows.h>

#include <string>
#include <vector>

struct TokenSpec {
  DWORD flags = 0;
  std::vector<std::wstring> restricting_sids;  // in order; may hold @user and @logon
  std::vector<std::wstring> default_dacl_sids;
  std::vector<std::wstring> enable_privileges;
  std::vector<DWORD> retry_without_user_sid_on;
};

// Opens this process's token with the rights the restricted token and CreateProcessAsUserW need.
bool open_own_token(HANDLE* out);

// Builds the token; with include_user_sid false, `@user` is left out of the restricting SIDs.
// Reports the failing call and returns false on failure.
bool create_restricted_token(HANDLE base, const TokenSpec& spec, bool include_user_sid, HANDLE* out);

#endif
