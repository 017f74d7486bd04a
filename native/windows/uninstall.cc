// Uninstall (see uninstall.h).
#include "uninstall.h"

#include <wtsapi32.h>

#include "accounts.h"
#include "sid.h"
#include "win-error.h"

bool remove_tree(const std::wstring& path) {
  const DWORD attrs = GetFileAttributesW(path.c_str());
  if (attrs == INVALID_FILE_ATTRIBUTES) {
    const DWORD err = GetLastError();
    if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND) return true;
    report_win32(L"GetFileAttributesW", path.c_str(), err);
    return false;
  }
  bool ok = true;
  // A reparse point is removed itself; its target is never entered.
  if ((attrs & FILE_ATTRIBUTE_DIRECTORY) != 0 && (attrs & FILE_ATTRIBUTE_REPARSE_POINT) == 0) {
    WIN32_FIND_DATAW fd;
    const std::wstring pattern = path + L"\\*";
    HANDLE find = FindFirstFileExW(pattern.c_str(), FindExInfoBasic, &fd, FindExSearchNameMatch, nullptr, 0);
    if (find != INVALID_HANDLE_VALUE) {
      do {
        if (wcscmp(fd.cFileName, L".") == 0 || wcscmp(fd.cFileName, L"..") == 0) continue;
        if (!remove_tree(path + L"\\" + fd.cFileName)) ok = false;
      } while (FindNextFileW(find, &fd));
      FindClose(find);
    }
  }
  if ((attrs & FILE_ATTRIBUTE_READONLY) != 0) SetFileAttributesW(path.c_str(), attrs & ~static_cast<DWORD>(FILE_ATTRIBUTE_READONLY));
  const BOOL removed = (attrs & FILE_ATTRIBUTE_DIRECTORY) != 0 ? RemoveDirectoryW(path.c_str()) : DeleteFileW(path.c_str());
  if (!removed) {
    report_win32((attrs & FILE_ATTRIBUTE_DIRECTORY) != 0 ? L"RemoveDirectoryW" : L"DeleteFileW", path.c_str(), GetLastError());
    return false;
  }
  return ok;
}

// The process's token user, confirmed from the process itself rather than the WTS snapshot.
static bool owned_by(DWORD pid, PSID sid) {
  HANDLE process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_TERMINATE, FALSE, pid);
  if (process == nullptr) return false;
  HANDLE token = nullptr;
  bool match = false;
  if (OpenProcessToken(process, TOKEN_QUERY, &token)) {
    OwnedSid user;
    match = token_user_sid(token, &user) && EqualSid(user.get(), sid);
    CloseHandle(token);
  }
  if (match && !TerminateProcess(process, 1)) {
    report_win32(L"TerminateProcess", L"sandbox account process", GetLastError());
  }
  CloseHandle(process);
  return match;
}

// Ends every process of the given accounts, repeating until none is left or 5 s have passed.
static bool end_processes(std::vector<OwnedSid>* sids) {
  const ULONGLONG deadline = GetTickCount64() + 5000;
  for (;;) {
    WTS_PROCESS_INFOW* info = nullptr;
    DWORD count = 0;
    if (!WTSEnumerateProcessesW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info, &count)) {
      report_win32(L"WTSEnumerateProcessesW", L"local server", GetLastError());
      return false;
    }
    DWORD found = 0;
    for (DWORD i = 0; i < count; ++i) {
      if (info[i].pUserSid == nullptr) continue;
      for (OwnedSid& sid : *sids) {
        if (EqualSid(info[i].pUserSid, sid.get()) && owned_by(info[i].ProcessId, sid.get())) ++found;
      }
    }
    WTSFreeMemory(info);
    if (found == 0) return true;
    if (GetTickCount64() > deadline) {
      print_error(L"codex-sandbox-setup: sandbox account processes still running after 5 s\n");
      return false;
    }
    Sleep(100);
  }
}

bool uninstall_sandbox(const SetupConfig& config) {
  const std::wstring users[2] = {config.offline_user, config.online_user};
  DWORD old_flags[2] = {0, 0};
  bool disabled[2] = {false, false};
  std::vector<OwnedSid> sids;
  for (int i = 0; i < 2; ++i) {
    disabled[i] = set_account_disabled(users[i], true, &old_flags[i]);
    OwnedSid sid;
    if (sid_for_account(users[i], &sid)) sids.push_back(sid);
  }
  if (!end_processes(&sids)) {
    // Nothing is deleted while sandbox processes may still run: put the accounts back as they were.
    for (int i = 0; i < 2; ++i) {
      if (disabled[i]) restore_account_flags(users[i], old_flags[i]);
    }
    return false;
  }
  bool ok = true;
  ok = remove_tree(config.sandbox_dir) && ok;
  ok = remove_tree(config.secrets_dir) && ok;
  ok = remove_tree(config.bin_dir) && ok;
  std::vector<std::wstring> rule_names = config.firewall_remove;
  for (const FirewallRuleSpec& r : config.firewall_rules) rule_names.push_back(r.name);
  ok = remove_firewall_rules(rule_names) && ok;
  ok = delete_group(config.group) && ok;
  for (const std::wstring& user : users) {
    ok = set_hidden_from_logon(user, false) && ok;
    ok = delete_user(user) && ok;
  }
  return ok;
}
