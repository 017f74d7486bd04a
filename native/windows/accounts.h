// Local sandbox accounts and their group (docs/reference.md#windows-elevated-backend, #windows-uninstall): create or reset, hide from the
// logon screen, disable, delete. Names come from the setup request.
#ifndef CODEX_SANDBOX_WIN_ACCOUNTS_H
#define CODEX_SANDBOX_WIN_ACCOUNTS_H

#include <windows.h>

#include <string>

// CheckTokenMembership on built-in Administrators.
bool is_elevated();

// NetUserAdd (level 1, USER_PRIV_USER, UF_SCRIPT | UF_DONT_EXPIRE_PASSWD), or for an existing
// account only a password reset (NetUserSetInfo level 1003).
bool ensure_user(const std::wstring& name, const std::wstring& password);

// NetLocalGroupAdd with a comment; an existing group is kept.
bool ensure_group(const std::wstring& group, const std::wstring& comment);

// NetLocalGroupAddMembers; an existing membership is kept.
bool add_to_group(const std::wstring& group, const std::wstring& user);

// The localized name of built-in Users (S-1-5-32-545).
bool builtin_users_name(std::wstring* out);

// Winlogon SpecialAccounts\UserList DWORD 0 (hide) or the value removed (unhide).
bool set_hidden_from_logon(const std::wstring& user, bool hidden);

// Sets or clears UF_ACCOUNTDISABLE; *old_flags receives the flags before the change.
bool set_account_disabled(const std::wstring& user, bool disabled, DWORD* old_flags);

// Restores flags saved by set_account_disabled.
bool restore_account_flags(const std::wstring& user, DWORD flags);

// NetUserDel / NetLocalGroupDel; a missing account or group counts as deleted.
bool delete_user(const std::wstring& user);
bool delete_group(const std::wstring& group);

#endif
