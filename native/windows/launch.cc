// Process launch (see launch.h).
#include "launch.h"

#include <algorithm>

#include "exit-codes.h"
#include "win-error.h"

static int compare_names(const std::wstring& a, const std::wstring& b) {
  const int ci = CompareStringOrdinal(a.c_str(), static_cast<int>(a.size()), b.c_str(), static_cast<int>(b.size()), TRUE);
  if (ci != CSTR_EQUAL) return ci == CSTR_LESS_THAN ? -1 : 1;
  const int cs = CompareStringOrdinal(a.c_str(), static_cast<int>(a.size()), b.c_str(), static_cast<int>(b.size()), FALSE);
  return cs == CSTR_EQUAL ? 0 : (cs == CSTR_LESS_THAN ? -1 : 1);
}

std::vector<wchar_t> build_environment_block(const std::vector<std::pair<std::wstring, std::wstring>>& env_set) {
  std::vector<std::pair<std::wstring, std::wstring>> vars;
  wchar_t* current = GetEnvironmentStringsW();
  if (current != nullptr) {
    for (const wchar_t* p = current; *p != L'\0'; p += wcslen(p) + 1) {
      const std::wstring entry(p);
      // Names may start with `=` (the per-drive cwd entries such as `=C:`), so search from 1.
      const size_t eq = entry.find(L'=', 1);
      if (eq == std::wstring::npos) continue;
      vars.push_back(std::make_pair(entry.substr(0, eq), entry.substr(eq + 1)));
    }
    FreeEnvironmentStringsW(current);
  }
  for (const auto& kv : env_set) {
    bool replaced = false;
    for (auto& existing : vars) {
      if (CompareStringOrdinal(existing.first.c_str(), -1, kv.first.c_str(), -1, TRUE) == CSTR_EQUAL) {
        existing.second = kv.second;
        replaced = true;
      }
    }
    if (!replaced) vars.push_back(kv);
  }
  std::sort(vars.begin(), vars.end(), [](const std::pair<std::wstring, std::wstring>& a, const std::pair<std::wstring, std::wstring>& b) {
    return compare_names(a.first, b.first) < 0;
  });
  std::vector<wchar_t> block;
  for (const auto& kv : vars) {
    block.insert(block.end(), kv.first.begin(), kv.first.end());
    block.push_back(L'=');
    block.insert(block.end(), kv.second.begin(), kv.second.end());
    block.push_back(L'\0');
  }
  if (block.empty()) block.push_back(L'\0');
  block.push_back(L'\0');
  return block;
}

bool start_in_job(HANDLE token, HANDLE job, const LaunchSpec& spec, PROCESS_INFORMATION* pi, DWORD* create_error) {
  *create_error = 0;
  HANDLE std_handles[3] = {GetStdHandle(STD_INPUT_HANDLE), GetStdHandle(STD_OUTPUT_HANDLE), GetStdHandle(STD_ERROR_HANDLE)};
  HANDLE inherit[3];
  DWORD n_inherit = 0;
  for (HANDLE h : std_handles) {
    if (h == nullptr || h == INVALID_HANDLE_VALUE) continue;
    if (!SetHandleInformation(h, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT)) {
      report_win32(L"SetHandleInformation", L"standard handle", GetLastError());
      return false;
    }
    bool dup = false;
    for (DWORD i = 0; i < n_inherit; ++i) dup = dup || inherit[i] == h;
    if (!dup) inherit[n_inherit++] = h;
  }
  // Only the three standard handles reach the child, whatever else this process holds.
  SIZE_T attr_size = 0;
  InitializeProcThreadAttributeList(nullptr, 1, 0, &attr_size);
  std::vector<BYTE> attr_buf(attr_size);
  LPPROC_THREAD_ATTRIBUTE_LIST attrs = reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(attr_buf.data());
  if (!InitializeProcThreadAttributeList(attrs, 1, 0, &attr_size)) {
    report_win32(L"InitializeProcThreadAttributeList", L"handle list", GetLastError());
    return false;
  }
  if (n_inherit > 0 &&
      !UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, inherit, n_inherit * sizeof(HANDLE), nullptr, nullptr)) {
    report_win32(L"UpdateProcThreadAttribute", L"PROC_THREAD_ATTRIBUTE_HANDLE_LIST", GetLastError());
    DeleteProcThreadAttributeList(attrs);
    return false;
  }
  STARTUPINFOEXW si;
  ZeroMemory(&si, sizeof(si));
  si.StartupInfo.cb = sizeof(si);
  si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
  si.StartupInfo.hStdInput = std_handles[0];
  si.StartupInfo.hStdOutput = std_handles[1];
  si.StartupInfo.hStdError = std_handles[2];
  si.lpAttributeList = n_inherit > 0 ? attrs : nullptr;
  std::wstring desktop = spec.desktop;
  if (spec.has_desktop) si.StartupInfo.lpDesktop = &desktop[0];
  std::vector<wchar_t> env = build_environment_block(spec.env_set);
  std::vector<wchar_t> cmdline(spec.command_line.begin(), spec.command_line.end());
  cmdline.push_back(L'\0');
  // Suspended until it is in the job, so not even its first instructions run outside it.
  const DWORD flags = CREATE_UNICODE_ENVIRONMENT | CREATE_SUSPENDED | EXTENDED_STARTUPINFO_PRESENT;
  ZeroMemory(pi, sizeof(*pi));
  const BOOL created = CreateProcessAsUserW(token, nullptr, cmdline.data(), nullptr, nullptr, n_inherit > 0 ? TRUE : FALSE, flags,
                                            env.data(), spec.cwd.c_str(), &si.StartupInfo, pi);
  const DWORD err = GetLastError();
  DeleteProcThreadAttributeList(attrs);
  if (!created) {
    *create_error = err;
    return false;
  }
  if (!AssignProcessToJobObject(job, pi->hProcess)) {
    report_win32(L"AssignProcessToJobObject", L"sandboxed command", GetLastError());
    TerminateProcess(pi->hProcess, EXIT_SETUP_FAILURE);
    CloseHandle(pi->hThread);
    CloseHandle(pi->hProcess);
    return false;
  }
  if (ResumeThread(pi->hThread) == static_cast<DWORD>(-1)) {
    report_win32(L"ResumeThread", L"sandboxed command", GetLastError());
    TerminateProcess(pi->hProcess, EXIT_SETUP_FAILURE);
    CloseHandle(pi->hThread);
    CloseHandle(pi->hProcess);
    return false;
  }
  CloseHandle(pi->hThread);
  pi->hThread = nullptr;
  return true;
}

int wait_for_exit(const PROCESS_INFORMATION& pi) {
  if (WaitForSingleObject(pi.hProcess, INFINITE) != WAIT_OBJECT_0) {
    report_win32(L"WaitForSingleObject", L"sandboxed command", GetLastError());
    return -1;
  }
  DWORD code = 0;
  if (!GetExitCodeProcess(pi.hProcess, &code)) {
    report_win32(L"GetExitCodeProcess", L"sandboxed command", GetLastError());
    return -1;
  }
  return static_cast<int>(code);
}

int exit_status_for_create_error(DWORD error) {
  switch (error) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND: return EXIT_NOT_FOUND;
    case ERROR_ACCESS_DENIED:
    case ERROR_BAD_EXE_FORMAT: return EXIT_NOT_EXECUTABLE;
    default: return EXIT_SETUP_FAILURE;
  }
}
