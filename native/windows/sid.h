// SIDs named in planner requests: `S-1-...` strings, account names, and the token-relative
// `@user` and `@logon`. Resolution only; which SID goes where is the planner's decision.
#ifndef CODEX_SANDBOX_WIN_SID_H
#define CODEX_SANDBOX_WIN_SID_H

#include <windows.h>

#include <string>
#include <vector>

// A SID in memory this code owns (no LocalFree/FreeSid bookkeeping at call sites).
struct OwnedSid {
  std::vector<BYTE> bytes;
  PSID get() { return bytes.empty() ? nullptr : static_cast<PSID>(bytes.data()); }
};

// Copies a SID into owned memory; false (with GetLastError set) on failure.
bool copy_sid(PSID sid, OwnedSid* out);

// ConvertStringSidToSidW.
bool sid_from_string(const std::wstring& text, OwnedSid* out);

// LookupAccountNameW on the local machine.
bool sid_for_account(const std::wstring& name, OwnedSid* out);

// The token's user SID (TokenUser).
bool token_user_sid(HANDLE token, OwnedSid* out);

// The logon SID: the first TokenGroups entry with SE_GROUP_LOGON_ID, else the same search on the
// linked token (docs/reference.md#windows-restricted-token). Fails with ERROR_NOT_FOUND when neither has one.
bool token_logon_sid(HANDLE token, OwnedSid* out);

// Everyone (S-1-1-0) via CreateWellKnownSid(WinWorldSid).
bool world_sid(OwnedSid* out);

// Resolves one request principal against `token` (for @user and @logon). Reports the failing
// call on stderr and returns false on failure.
bool resolve_principal(const std::wstring& principal, HANDLE token, OwnedSid* out);

// ConvertSidToStringSidW into a std::wstring; empty on failure.
std::wstring sid_to_string(PSID sid);

#endif
