// Elevated first stage (see logon-launch.h).
#include "logon-launch.h"

#include "exit-codes.h"
#include "file-write.h"
#include "job.h"
#include "secrets.h"
#include "win-error.h"

static bool own_path(std::wstring* out) {
  std::vector<wchar_t> buf(32768);
  const DWORD n = GetModuleFileNameW(nullptr, buf.data(), static_cast<DWORD>(buf.size()));
  if (n == 0 || n >= buf.size()) {
    report_win32(L"GetModuleFileNameW", L"runner", GetLastError());
    return false;
  }
  out->assign(buf.data(), n);
  return true;
}

int run_as_sandbox_user(const RunnerConfig& config, const std::string& request_text) {
  std::wstring self;
  std::wstring name;
  if (!own_path(&self) || !random_hex(16, &name)) return EXIT_SETUP_FAILURE;
  const std::wstring request_file = config.request_dir + L"\\" + name + L".req";
  if (!write_whole_file(request_file, request_text, CREATE_NEW)) return EXIT_SETUP_FAILURE;
  std::wstring password;
  if (!read_password(config.secrets_file, config.logon_user, &password)) {
    DeleteFileW(request_file.c_str());
    return EXIT_SETUP_FAILURE;
  }
  std::wstring cmdline = L"\"" + self + L"\" --inner-request-file=\"" + request_file + L"\"";
  std::vector<wchar_t> cmd(cmdline.begin(), cmdline.end());
  cmd.push_back(L'\0');
  STARTUPINFOW si;
  ZeroMemory(&si, sizeof(si));
  si.cb = sizeof(si);
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
  si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
  si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
  // The logon process takes the standard handles only if they are inheritable.
  for (HANDLE h : {si.hStdInput, si.hStdOutput, si.hStdError}) {
    if (h != nullptr && h != INVALID_HANDLE_VALUE && !SetHandleInformation(h, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT)) {
      report_win32(L"SetHandleInformation", L"standard handle", GetLastError());
      wipe(&password);
      DeleteFileW(request_file.c_str());
      return EXIT_SETUP_FAILURE;
    }
  }
  // The inner stage is not this process's child in any sense Windows tracks: without a job of its
  // own, terminating this runner (a timeout or stopSandbox) would leave it and the command
  // running. Its own job nests inside this one (Windows 8 and later), so closing this handle,
  // which TerminateProcess does, ends the inner stage and everything the command started.
  HANDLE job = create_kill_on_close_job();
  if (job == nullptr) {
    wipe(&password);
    DeleteFileW(request_file.c_str());
    return EXIT_SETUP_FAILURE;
  }
  PROCESS_INFORMATION pi;
  ZeroMemory(&pi, sizeof(pi));
  // No crash dialogs from the logon launch (docs/reference.md#windows-elevated-backend).
  const UINT old_mode = SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
  // Suspended until it is in the job, as the command itself is (launch.cc).
  const BOOL ok = CreateProcessWithLogonW(config.logon_user.c_str(), L".", password.c_str(), LOGON_WITH_PROFILE, self.c_str(), cmd.data(),
                                          CREATE_UNICODE_ENVIRONMENT | CREATE_NO_WINDOW | CREATE_SUSPENDED, nullptr,
                                          config.launch.cwd.c_str(), &si, &pi);
  const DWORD err = GetLastError();
  SetErrorMode(old_mode);
  wipe(&password);
  if (!ok) {
    CloseHandle(job);
    DeleteFileW(request_file.c_str());
    report_win32(L"CreateProcessWithLogonW", config.logon_user.c_str(), err);
    return EXIT_SETUP_FAILURE;
  }
  const bool assigned = AssignProcessToJobObject(job, pi.hProcess) != FALSE;
  if (!assigned || ResumeThread(pi.hThread) == static_cast<DWORD>(-1)) {
    report_win32(assigned ? L"ResumeThread" : L"AssignProcessToJobObject", L"sandbox runner", GetLastError());
    TerminateProcess(pi.hProcess, EXIT_SETUP_FAILURE);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    CloseHandle(job);
    DeleteFileW(request_file.c_str());
    return EXIT_SETUP_FAILURE;
  }
  CloseHandle(pi.hThread);
  int status = EXIT_SETUP_FAILURE;
  if (WaitForSingleObject(pi.hProcess, INFINITE) == WAIT_OBJECT_0) {
    DWORD code = 0;
    if (GetExitCodeProcess(pi.hProcess, &code))
      status = static_cast<int>(code);
    else
      report_win32(L"GetExitCodeProcess", L"sandbox runner", GetLastError());
  } else {
    report_win32(L"WaitForSingleObject", L"sandbox runner", GetLastError());
  }
  CloseHandle(pi.hProcess);
  CloseHandle(job);
  // The inner stage deletes the file after reading it; this covers a runner that died first.
  DeleteFileW(request_file.c_str());
  return status;
}
