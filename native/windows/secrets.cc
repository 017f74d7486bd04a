// Sandbox account credentials (see secrets.h).
#include "secrets.h"

#include <bcrypt.h>
#include <wincrypt.h>

#include <vector>

#include "request.h"
#include "win-error.h"

static const wchar_t kAlphabet[] = L"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*()-_=+";

bool random_password(std::wstring* out) {
  const unsigned n = static_cast<unsigned>(sizeof(kAlphabet) / sizeof(kAlphabet[0]) - 1);
  // Bytes at or above the largest multiple of n are redrawn, so every character is equally likely.
  const unsigned limit = 256 - (256 % n);
  out->clear();
  while (out->size() < 24) {
    unsigned char buf[32];
    const NTSTATUS st = BCryptGenRandom(nullptr, buf, sizeof(buf), BCRYPT_USE_SYSTEM_PREFERRED_RNG);
    if (st != 0) {
      report_win32(L"BCryptGenRandom", L"password", static_cast<DWORD>(st));
      return false;
    }
    for (unsigned char b : buf) {
      if (b < limit && out->size() < 24) out->push_back(kAlphabet[b % n]);
    }
    SecureZeroMemory(buf, sizeof(buf));
  }
  return true;
}

bool random_hex(size_t n, std::wstring* out) {
  std::vector<unsigned char> buf(n);
  const NTSTATUS st = BCryptGenRandom(nullptr, buf.data(), static_cast<ULONG>(n), BCRYPT_USE_SYSTEM_PREFERRED_RNG);
  if (st != 0) {
    report_win32(L"BCryptGenRandom", L"name", static_cast<DWORD>(st));
    return false;
  }
  static const wchar_t digits[] = L"0123456789abcdef";
  out->clear();
  for (unsigned char b : buf) {
    out->push_back(digits[b >> 4]);
    out->push_back(digits[b & 15]);
  }
  return true;
}

bool protect_secret(const std::wstring& plain, std::string* b64) {
  DATA_BLOB in;
  in.pbData = reinterpret_cast<BYTE*>(const_cast<wchar_t*>(plain.data()));
  in.cbData = static_cast<DWORD>(plain.size() * sizeof(wchar_t));
  DATA_BLOB out;
  if (!CryptProtectData(&in, L"codex-sandbox", nullptr, nullptr, nullptr, CRYPTPROTECT_UI_FORBIDDEN, &out)) {
    report_win32(L"CryptProtectData", L"sandbox account password", GetLastError());
    return false;
  }
  DWORD len = 0;
  const DWORD flags = CRYPT_STRING_BASE64 | CRYPT_STRING_NOCRLF;
  bool ok = CryptBinaryToStringA(out.pbData, out.cbData, flags, nullptr, &len) != FALSE;
  if (ok) {
    std::vector<char> text(len);
    ok = CryptBinaryToStringA(out.pbData, out.cbData, flags, text.data(), &len) != FALSE;
    if (ok) b64->assign(text.data(), len);
  }
  if (!ok) report_win32(L"CryptBinaryToStringA", L"protected password", GetLastError());
  LocalFree(out.pbData);
  return ok;
}

bool unprotect_secret(const std::string& b64, std::wstring* plain) {
  DWORD len = 0;
  if (!CryptStringToBinaryA(b64.c_str(), static_cast<DWORD>(b64.size()), CRYPT_STRING_BASE64, nullptr, &len, nullptr, nullptr)) {
    report_win32(L"CryptStringToBinaryA", L"protected password", GetLastError());
    return false;
  }
  std::vector<BYTE> blob(len);
  if (!CryptStringToBinaryA(b64.c_str(), static_cast<DWORD>(b64.size()), CRYPT_STRING_BASE64, blob.data(), &len, nullptr, nullptr)) {
    report_win32(L"CryptStringToBinaryA", L"protected password", GetLastError());
    return false;
  }
  DATA_BLOB in;
  in.pbData = blob.data();
  in.cbData = len;
  DATA_BLOB out;
  if (!CryptUnprotectData(&in, nullptr, nullptr, nullptr, nullptr, CRYPTPROTECT_UI_FORBIDDEN, &out)) {
    report_win32(L"CryptUnprotectData", L"sandbox account password (rerun the sandbox setup with elevation)", GetLastError());
    return false;
  }
  plain->assign(reinterpret_cast<wchar_t*>(out.pbData), out.cbData / sizeof(wchar_t));
  SecureZeroMemory(out.pbData, out.cbData);
  LocalFree(out.pbData);
  return true;
}

static bool wide_to_utf8(const std::wstring& in, std::string* out) {
  out->clear();
  if (in.empty()) return true;
  const int n = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, in.data(), static_cast<int>(in.size()), nullptr, 0, nullptr, nullptr);
  if (n <= 0) return false;
  out->resize(static_cast<size_t>(n));
  return WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, in.data(), static_cast<int>(in.size()), &(*out)[0], n, nullptr, nullptr) == n;
}

bool write_secrets_file(const std::wstring& path, const std::wstring& offline_user, const std::string& offline_b64,
                        const std::wstring& online_user, const std::string& online_b64) {
  std::string off;
  std::string on;
  if (!wide_to_utf8(offline_user, &off) || !wide_to_utf8(online_user, &on)) die(L"account name is not valid UTF-16");
  const std::string text = "version\t1\noffline\t" + off + "\t" + offline_b64 + "\nonline\t" + on + "\t" + online_b64 + "\n";
  // Written beside the target and renamed over it, so a crash never leaves half a file.
  const std::wstring tmp = path + L".tmp";
  HANDLE h = CreateFileW(tmp.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) {
    report_win32(L"CreateFileW", tmp.c_str(), GetLastError());
    return false;
  }
  DWORD wrote = 0;
  const BOOL ok = WriteFile(h, text.data(), static_cast<DWORD>(text.size()), &wrote, nullptr) && FlushFileBuffers(h);
  const DWORD err = GetLastError();
  CloseHandle(h);
  if (!ok || wrote != text.size()) {
    report_win32(L"WriteFile", tmp.c_str(), err);
    return false;
  }
  if (!MoveFileExW(tmp.c_str(), path.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
    report_win32(L"MoveFileExW", path.c_str(), GetLastError());
    return false;
  }
  return true;
}

bool read_password(const std::wstring& path, const std::wstring& username, std::wstring* password) {
  std::string text;
  std::wstring error;
  if (!read_request_from_file(path.c_str(), &text, &error)) {
    print_error(
        L"codex-sandbox-helper: %ls: %ls; Windows sandbox setup is missing or out of date; rerun the sandbox setup with elevation\n",
        path.c_str(), error.c_str());
    return false;
  }
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    const std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    const size_t t1 = line.find('\t');
    const size_t t2 = t1 == std::string::npos ? std::string::npos : line.find('\t', t1 + 1);
    if (t2 == std::string::npos) continue;
    std::wstring name;
    if (!utf8_to_wide(line.substr(t1 + 1, t2 - t1 - 1), &name)) continue;
    if (CompareStringOrdinal(name.c_str(), -1, username.c_str(), -1, TRUE) != CSTR_EQUAL) continue;
    return unprotect_secret(line.substr(t2 + 1), password);
  }
  print_error(
      L"codex-sandbox-helper: no credentials for %ls in %ls; Windows sandbox setup is missing or out of date; rerun the sandbox setup with "
      L"elevation\n",
      username.c_str(), path.c_str());
  return false;
}

void wipe(std::wstring* secret) {
  if (!secret->empty()) SecureZeroMemory(&(*secret)[0], secret->size() * sizeof(wchar_t));
  secret->clear();
}
