// Denybin stubs (see denybin.h).
#include "denybin.h"

#include "acl.h"
#include "win-error.h"

bool write_denybin(const RunnerConfig& config) {
  if (config.denybin_dir.empty()) return true;
  if (!create_directories(config.denybin_dir)) return false;
  for (const DenybinStub& stub : config.denybin_stubs) {
    const std::wstring path = config.denybin_dir + L"\\" + stub.name;
    const int n = WideCharToMultiByte(CP_UTF8, 0, stub.content.data(), static_cast<int>(stub.content.size()), nullptr, 0, nullptr, nullptr);
    std::string bytes(static_cast<size_t>(n > 0 ? n : 0), '\0');
    if (n > 0) WideCharToMultiByte(CP_UTF8, 0, stub.content.data(), static_cast<int>(stub.content.size()), &bytes[0], n, nullptr, nullptr);
    HANDLE h = CreateFileW(path.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) {
      report_win32(L"CreateFileW", path.c_str(), GetLastError());
      return false;
    }
    DWORD wrote = 0;
    const BOOL ok = WriteFile(h, bytes.data(), static_cast<DWORD>(bytes.size()), &wrote, nullptr);
    const DWORD err = GetLastError();
    CloseHandle(h);
    if (!ok || wrote != bytes.size()) {
      report_win32(L"WriteFile", path.c_str(), err);
      return false;
    }
  }
  for (const std::wstring& name : config.denybin_remove) {
    const std::wstring path = config.denybin_dir + L"\\" + name;
    if (!DeleteFileW(path.c_str()) && GetLastError() != ERROR_FILE_NOT_FOUND) {
      report_win32(L"DeleteFileW", path.c_str(), GetLastError());
      return false;
    }
  }
  return true;
}
