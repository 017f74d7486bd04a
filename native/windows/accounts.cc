// Sandbox accounts (see accounts.h).
#include "accounts.h"

#include <lm.h>

#include "sid.h"
#include "win-error.h"

static const wchar_t kUserListKey[] = L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon\\SpecialAccounts\\UserList";

bool is_elevated() {
  OwnedSid admins;
  if (!sid_from_string(L"S-1-5-32-544", &admins)) {
    report_win32(L"ConvertStringSidToSidW", L"Administrators", GetLastError());
    return false;
  }
  BOOL member = FALSE;
  if (!CheckTokenMembership(nullptr, admins.get(), &member)) {
    report_win32(L"CheckTokenMembership", L"Administrators", GetLastError());
    return false;
  }
  return member != FALSE;
}

bool ensure_user(const std::wstring& name, const std::wstring& password) {
  USER_INFO_1 info;
  ZeroMemory(&info, sizeof(info));
  info.usri1_name = const_cast<LPWSTR>(name.c_str());
  info.usri1_password = const_cast<LPWSTR>(password.c_str());
  info.usri1_priv = USER_PRIV_USER;
  info.usri1_flags = UF_SCRIPT | UF_DONT_EXPIRE_PASSWD;
  DWORD bad_param = 0;
  NET_API_STATUS st = NetUserAdd(nullptr, 1, reinterpret_cast<LPBYTE>(&info), &bad_param);
  if (st == NERR_Success) return true;
  if (st != NERR_UserExists) {
    report_win32(L"NetUserAdd", name.c_str(), st);
    return false;
  }
  USER_INFO_1003 pw;
  pw.usri1003_password = const_cast<LPWSTR>(password.c_str());
  st = NetUserSetInfo(nullptr, name.c_str(), 1003, reinterpret_cast<LPBYTE>(&pw), &bad_param);
  if (st != NERR_Success) {
    report_win32(L"NetUserSetInfo", (name + L" (password)").c_str(), st);
    return false;
  }
  return true;
}

bool ensure_group(const std::wstring& group, const std::wstring& comment) {
  LOCALGROUP_INFO_1 info;
  info.lgrpi1_name = const_cast<LPWSTR>(group.c_str());
  info.lgrpi1_comment = const_cast<LPWSTR>(comment.c_str());
  DWORD bad_param = 0;
  const NET_API_STATUS st = NetLocalGroupAdd(nullptr, 1, reinterpret_cast<LPBYTE>(&info), &bad_param);
  if (st == NERR_Success || st == NERR_GroupExists || st == ERROR_ALIAS_EXISTS) return true;
  report_win32(L"NetLocalGroupAdd", group.c_str(), st);
  return false;
}

bool add_to_group(const std::wstring& group, const std::wstring& user) {
  LOCALGROUP_MEMBERS_INFO_3 member;
  member.lgrmi3_domainandname = const_cast<LPWSTR>(user.c_str());
  const NET_API_STATUS st = NetLocalGroupAddMembers(nullptr, group.c_str(), 3, reinterpret_cast<LPBYTE>(&member), 1);
  if (st == NERR_Success || st == ERROR_MEMBER_IN_ALIAS) return true;
  report_win32(L"NetLocalGroupAddMembers", (group + L" <- " + user).c_str(), st);
  return false;
}

bool builtin_users_name(std::wstring* out) {
  OwnedSid users;
  if (!sid_from_string(L"S-1-5-32-545", &users)) {
    report_win32(L"ConvertStringSidToSidW", L"S-1-5-32-545", GetLastError());
    return false;
  }
  wchar_t name[256];
  wchar_t domain[256];
  DWORD name_len = 256;
  DWORD domain_len = 256;
  SID_NAME_USE use;
  if (!LookupAccountSidW(nullptr, users.get(), name, &name_len, domain, &domain_len, &use)) {
    report_win32(L"LookupAccountSidW", L"S-1-5-32-545", GetLastError());
    return false;
  }
  out->assign(name, name_len);
  return true;
}

bool set_hidden_from_logon(const std::wstring& user, bool hidden) {
  HKEY key = nullptr;
  LSTATUS st = RegCreateKeyExW(HKEY_LOCAL_MACHINE, kUserListKey, 0, nullptr, 0, KEY_SET_VALUE, nullptr, &key, nullptr);
  if (st != ERROR_SUCCESS) {
    report_win32(L"RegCreateKeyExW", kUserListKey, static_cast<DWORD>(st));
    return false;
  }
  if (hidden) {
    const DWORD zero = 0;
    st = RegSetValueExW(key, user.c_str(), 0, REG_DWORD, reinterpret_cast<const BYTE*>(&zero), sizeof(zero));
    if (st != ERROR_SUCCESS) report_win32(L"RegSetValueExW", user.c_str(), static_cast<DWORD>(st));
  } else {
    st = RegDeleteValueW(key, user.c_str());
    if (st == ERROR_FILE_NOT_FOUND) st = ERROR_SUCCESS;
    if (st != ERROR_SUCCESS) report_win32(L"RegDeleteValueW", user.c_str(), static_cast<DWORD>(st));
  }
  RegCloseKey(key);
  return st == ERROR_SUCCESS;
}

static bool get_flags(const std::wstring& user, DWORD* flags) {
  LPBYTE buf = nullptr;
  const NET_API_STATUS st = NetUserGetInfo(nullptr, user.c_str(), 1, &buf);
  if (st != NERR_Success) {
    report_win32(L"NetUserGetInfo", user.c_str(), st);
    return false;
  }
  *flags = reinterpret_cast<USER_INFO_1*>(buf)->usri1_flags;
  NetApiBufferFree(buf);
  return true;
}

bool restore_account_flags(const std::wstring& user, DWORD flags) {
  USER_INFO_1008 info;
  info.usri1008_flags = flags;
  DWORD bad_param = 0;
  const NET_API_STATUS st = NetUserSetInfo(nullptr, user.c_str(), 1008, reinterpret_cast<LPBYTE>(&info), &bad_param);
  if (st != NERR_Success) {
    report_win32(L"NetUserSetInfo", (user + L" (flags)").c_str(), st);
    return false;
  }
  return true;
}

bool set_account_disabled(const std::wstring& user, bool disabled, DWORD* old_flags) {
  if (!get_flags(user, old_flags)) return false;
  const DWORD flags = disabled ? (*old_flags | UF_ACCOUNTDISABLE) : (*old_flags & ~static_cast<DWORD>(UF_ACCOUNTDISABLE));
  return restore_account_flags(user, flags);
}

bool delete_user(const std::wstring& user) {
  const NET_API_STATUS st = NetUserDel(nullptr, user.c_str());
  if (st == NERR_Success || st == NERR_UserNotFound) return true;
  report_win32(L"NetUserDel", user.c_str(), st);
  return false;
}

bool delete_group(const std::wstring& group) {
  const NET_API_STATUS st = NetLocalGroupDel(nullptr, group.c_str());
  if (st == NERR_Success || st == NERR_GroupNotFound || st == ERROR_NO_SUCH_ALIAS) return true;
  report_win32(L"NetLocalGroupDel", group.c_str(), st);
  return false;
}
