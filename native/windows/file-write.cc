// Whole-file writes (see file-write.h).
#include "file-write.h"

#include "win-error.h"

std::string utf8_of(const std::wstring& text) {
  const int n = WideCharToMultiByte(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0, nullptr, nullptr);
  std::string bytes(static_cast<size_t>(n > 0 ? n : 0), '\0');
  if (n > 0) WideCharToMultiByte(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), &bytes[0], n, nullptr, nullptr);
  return bytes;
}

bool write_whole_file(const std::wstring& path, const std::string& bytes, DWORD disposition) {
  HANDLE h = CreateFileW(path.c_str(), GENERIC_WRITE, 0, nullptr, disposition, FILE_ATTRIBUTE_NORMAL, nullptr);
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
    // Only a file this call made is ours to remove; a replaced one is already lost.
    if (disposition == CREATE_NEW) DeleteFileW(path.c_str());
    return false;
  }
  return true;
}
