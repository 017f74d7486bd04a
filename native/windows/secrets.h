// Sandbox account credentials at rest: random passwords, protected with DPAPI in the user's
// scope and base64-encoded (docs/reference.md#windows-elevated-backend), one account per line in the secrets file:
// `version 1`, then `<role>\t<username>\t<base64 blob>`.
#ifndef CODEX_SANDBOX_WIN_SECRETS_H
#define CODEX_SANDBOX_WIN_SECRETS_H

#include <windows.h>

#include <string>

// 24 characters from A-Z a-z 0-9 !@#$%^&*()-_=+ drawn with BCryptGenRandom, without modulo bias.
bool random_password(std::wstring* out);

// `n` random bytes as lower-case hex (names of request files).
bool random_hex(size_t n, std::wstring* out);

// CryptProtectData (CRYPTPROTECT_UI_FORBIDDEN) + base64.
bool protect_secret(const std::wstring& plain, std::string* b64);

// base64 + CryptUnprotectData.
bool unprotect_secret(const std::string& b64, std::wstring* plain);

// Writes both accounts' protected passwords (replacing the file).
bool write_secrets_file(const std::wstring& path, const std::wstring& offline_user, const std::string& offline_b64,
                        const std::wstring& online_user, const std::string& online_b64);

// Finds `username` in the secrets file and decrypts its password.
bool read_password(const std::wstring& path, const std::wstring& username, std::wstring* password);

// Overwrites a password in memory before it is freed.
void wipe(std::wstring* secret);

#endif
