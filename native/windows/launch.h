// Starting the command under a token, inside a kill-on-close job, with this process's stdio and
// the request's environment additions (docs/reference.md#windows-restricted-token).
#ifndef CODEX_SANDBOX_WIN_LAUNCH_H
#define CODEX_SANDBOX_WIN_LAUNCH_H

#include <windows.h>

#include <string>
#include <utility>
#include <vector>

struct LaunchSpec {
  std::wstring command_line;
  std::wstring cwd;
  bool has_desktop = false;
  std::wstring desktop;
  std::vector<std::pair<std::wstring, std::wstring>> env_set;
};

// Builds the environment block: this process's environment with env_set applied (names compared
// case-insensitively), sorted case-insensitively with case-sensitive ties, `K=V\0` each and a
// final `\0`, as CreateProcess expects for CREATE_UNICODE_ENVIRONMENT.
std::vector<wchar_t> build_environment_block(const std::vector<std::pair<std::wstring, std::wstring>>& env_set);

// Starts the command suspended, assigns it to `job`, resumes it. On failure of
// CreateProcessAsUserW returns false with *create_error set and reports nothing (the caller may
// retry); other failures are reported and give *create_error = 0.
bool start_in_job(HANDLE token, HANDLE job, const LaunchSpec& spec, PROCESS_INFORMATION* pi, DWORD* create_error);

// Waits for the process and returns its exit code (or reports and returns -1).
int wait_for_exit(const PROCESS_INFORMATION& pi);

// The runner's exit status for a CreateProcess failure: 127 not found, 126 not executable, else 125.
int exit_status_for_create_error(DWORD error);

#endif
