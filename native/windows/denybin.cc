// Denybin stubs (see denybin.h).
#include "denybin.h"

#include "acl.h"
#include "file-write.h"
#include "win-error.h"

bool write_denybin(const RunnerConfig& config) {
  if (config.denybin_dir.empty()) return true;
  if (!create_directories(config.denybin_dir)) return false;
  for (const DenybinStub& stub : config.denybin_stubs) {
    const std::wstring path = config.denybin_dir + L"\\" + stub.name;
    if (!write_whole_file(path, utf8_of(stub.content), CREATE_ALWAYS)) return false;
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
