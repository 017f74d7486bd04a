// codex-sandbox-helper.exe: the Windows command runner. It reads a planner request and applies
// it: ACL ops, the restricted token, a kill-on-close job, then the command (docs/reference.md#windows-restricted-token,
// #windows-elevated-backend).
//
//   codex-sandbox-helper --request-stdin               request on stdin, then the command's input
//   codex-sandbox-helper --inner-request-file=PATH     elevated inner stage, as the sandbox user
//   codex-sandbox-helper --revert-request-stdin        only the request's revoke_after_exit ops:
//                                                      for a runner that was terminated before it
//                                                      could revoke them itself
//
// Exit status: the command's own, or 125 (setup/usage), 126 (not executable), 127 (not found).
#include <windows.h>

#include <string>

#include "exit-codes.h"
#include "denybin.h"
#include "job.h"
#include "logon-launch.h"
#include "request.h"
#include "restricted-token.h"
#include "runner-config.h"
#include "win-error.h"
#include "world-writable-audit.h"

static bool has_user_sid(const TokenSpec& spec) {
  for (const std::wstring& s : spec.restricting_sids) {
    if (s == L"@user") return true;
  }
  return false;
}

static bool retry_allowed(const TokenSpec& spec, DWORD error) {
  for (DWORD code : spec.retry_without_user_sid_on) {
    if (code == error) return true;
  }
  return false;
}

// Every revoke is attempted even after a failure, so one bad path leaves as little as possible.
static bool revert_aces(const RunnerConfig& config, HANDLE base) {
  bool ok = true;
  for (const RevokeOp& op : config.revoke_after_exit) {
    const bool done = op.path.empty() ? revoke_nul_aces(op.principals, base) : revoke_path_aces(op.path, op.principals, base);
    ok = done && ok;
  }
  return ok;
}

// The revokes of a runner that was terminated (timeout, abort, stopSandbox: TerminateProcess
// leaves it no chance to run them). Its job died with it, so no command still uses the grants.
static int revert_only(const RunnerConfig& config) {
  HANDLE base = nullptr;
  if (!open_own_token(&base)) return EXIT_SETUP_FAILURE;
  const bool ok = revert_aces(config, base);
  CloseHandle(base);
  return ok ? 0 : EXIT_SETUP_FAILURE;
}

static int run_command(const RunnerConfig& config) {
  HANDLE base = nullptr;
  if (!open_own_token(&base)) return EXIT_SETUP_FAILURE;
  for (const AclOp& op : config.acl_ops) {
    if (apply_acl_op(op, base)) continue;
    // The NUL grant only adds to what Everyone (a restricting SID) already has on the device, so
    // a DACL that refuses the change costs nothing; every other op is part of the policy.
    if (op.kind == ACL_OP_NUL_DEVICE) continue;
    return EXIT_SETUP_FAILURE;
  }
  if (!write_denybin(config)) return EXIT_SETUP_FAILURE;
  run_world_writable_audit(config.audit, base);
  HANDLE job = create_kill_on_close_job();
  if (job == nullptr) return EXIT_SETUP_FAILURE;
  bool with_user = has_user_sid(config.token);
  for (;;) {
    HANDLE token = nullptr;
    if (!create_restricted_token(base, config.token, with_user, &token)) return EXIT_SETUP_FAILURE;
    PROCESS_INFORMATION pi;
    DWORD create_error = 0;
    const bool started = start_in_job(token, job, config.launch, &pi, &create_error);
    CloseHandle(token);
    if (started) {
      const int status = wait_for_exit(pi);
      CloseHandle(pi.hProcess);
      // Closing the job kills anything the command left running, so nothing can still be using
      // the grants revoked below.
      CloseHandle(job);
      // A failed revoke is reported on stderr but does not replace the command's own status: the
      // ACEs it leaves are the ones a default (persistent) run keeps anyway.
      revert_aces(config, base);
      return status < 0 ? EXIT_SETUP_FAILURE : status;
    }
    if (create_error == 0) return EXIT_SETUP_FAILURE;
    // Some systems refuse a token restricted by the account's own SID (docs/reference.md#windows-elevated-backend): retry once without.
    if (with_user && retry_allowed(config.token, create_error)) {
      with_user = false;
      continue;
    }
    report_win32(L"CreateProcessAsUserW", config.launch.command_line.c_str(), create_error);
    return exit_status_for_create_error(create_error);
  }
}

int wmain(int argc, wchar_t** argv) {
  set_program_name(L"codex-sandbox-helper");
  static const wchar_t kInner[] = L"--inner-request-file=";
  static const wchar_t kUsage[] = L"usage: codex-sandbox-helper --request-stdin | --revert-request-stdin | --inner-request-file=PATH";
  if (argc != 2) die(kUsage);
  const std::wstring arg = argv[1];
  std::string text;
  std::wstring error;
  bool inner = false;
  const bool revert = arg == L"--revert-request-stdin";
  std::wstring inner_path;
  if (arg == L"--request-stdin" || revert) {
    if (!read_request_from_stdin(&text, &error)) die(error.c_str());
  } else if (arg.compare(0, wcslen(kInner), kInner) == 0) {
    inner = true;
    inner_path = arg.substr(wcslen(kInner));
    if (!read_request_from_file(inner_path.c_str(), &text, &error)) die(error.c_str());
    // Read once: the file must not be reused by a later, different command.
    if (!DeleteFileW(inner_path.c_str())) die_win32(L"DeleteFileW", inner_path.c_str());
  } else {
    die((std::wstring(L"unknown argument; ") + kUsage).c_str());
  }
  Request request;
  RunnerConfig config;
  if (!parse_request(text, &request, &error) || !parse_runner_config(request, &config, &error)) die(error.c_str());
  if (revert) return revert_only(config);
  if (config.backend == L"windows-elevated" && !inner) return run_as_sandbox_user(config, text);
  if (config.backend == L"windows-token" && inner) die(L"an inner request must be for the elevated backend");
  return run_command(config);
}
