// Host lookups for the addon (see final-path.h).
#include "final-path.h"

#include <vector>

DWORD final_path_of(const std::wstring& path, std::wstring* out, const wchar_t** failed_call) {
  // No access rights are needed to ask for a name; BACKUP_SEMANTICS lets directories open.
  HANDLE h = CreateFileW(path.c_str(), 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                         FILE_FLAG_BACKUP_SEMANTICS, nullptr);
  if (h == INVALID_HANDLE_VALUE) {
    *failed_call = L"CreateFileW";
    return GetLastError();
  }
  std::vector<wchar_t> buf(MAX_PATH + 1);
  for (;;) {
    const DWORD n = GetFinalPathNameByHandleW(h, buf.data(), static_cast<DWORD>(buf.size()), FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
    if (n == 0) {
      const DWORD err = GetLastError();
      CloseHandle(h);
      *failed_call = L"GetFinalPathNameByHandleW";
      return err;
    }
    if (n < buf.size()) {
      out->assign(buf.data(), n);
      CloseHandle(h);
      return 0;
    }
    buf.resize(n + 1);
  }
}

DWORD path_kind_of(const std::wstring& path, PathKind* out) {
  const DWORD attrs = GetFileAttributesW(path.c_str());
  if (attrs == INVALID_FILE_ATTRIBUTES) {
    const DWORD err = GetLastError();
    if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND) {
      *out = PATH_KIND_MISSING;
      return 0;
    }
    return err;
  }
  *out = (attrs & FILE_ATTRIBUTE_DIRECTORY) != 0 ? PATH_KIND_DIR : PATH_KIND_FILE;
  return 0;
}
