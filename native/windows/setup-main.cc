// codex-sandbox-setup.exe: provisions the elevated backend and applies its ACLs (docs/reference.md#windows-elevated-backend),
// or removes it all (docs/reference.md#windows-uninstall). Everything it creates is listed in the planner's setup request.
//
//   codex-sandbox-setup --request-stdin [--refresh-only]   provision (elevated) + ACLs + marker;
//                                                          --refresh-only: ACLs only, no elevation
//   codex-sandbox-setup --uninstall --request-stdin        remove accounts, group, rules, state
#include <windows.h>

#include <string>

#include "accounts.h"
#include "acl.h"
#include "exit-codes.h"
#include "file-write.h"
#include "firewall.h"
#include "request.h"
#include "secrets.h"
#include "setup-config.h"
#include "sid.h"
#include "uninstall.h"
#include "win-error.h"

// Writes `<code>\t<message>` to .sandbox\setup_error.txt for the orchestrator, then exits.
[[noreturn]] static void fail_with_code(const SetupConfig& config, const wchar_t* code, const wchar_t* message) {
  const std::wstring path = config.sandbox_dir + L"\\setup_error.txt";
  HANDLE h = CreateFileW(path.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h != INVALID_HANDLE_VALUE) {
    const std::wstring text = std::wstring(code) + L"\t" + message + L"\n";
    const std::string bytes = utf8_of(text);
    DWORD wrote = 0;
    WriteFile(h, bytes.data(), static_cast<DWORD>(bytes.size()), &wrote, nullptr);
    CloseHandle(h);
  }
  print_error(L"codex-sandbox-setup: %ls: %ls\n", code, message);
  exit(EXIT_SETUP_FAILURE);
}

static void provision_account(const SetupConfig& config, const std::wstring& user, const std::wstring& users_group,
                              std::string* protected_pw) {
  std::wstring password;
  if (!random_password(&password) || !ensure_user(user, password) || !add_to_group(users_group, user) ||
      !add_to_group(config.group, user) || !set_hidden_from_logon(user, true) || !protect_secret(password, protected_pw)) {
    wipe(&password);
    fail_with_code(config, L"helper_user_create_or_update_failed", user.c_str());
  }
  wipe(&password);
}

static bool copy_helper(const SetupConfig& config) {
  std::vector<wchar_t> buf(32768);
  const DWORD n = GetModuleFileNameW(nullptr, buf.data(), static_cast<DWORD>(buf.size()));
  if (n == 0 || n >= buf.size()) {
    report_win32(L"GetModuleFileNameW", L"setup", GetLastError());
    return false;
  }
  std::wstring dir(buf.data(), n);
  dir = dir.substr(0, dir.find_last_of(L'\\'));
  const std::wstring from = dir + L"\\codex-sandbox-helper.exe";
  const std::wstring to = config.bin_dir + L"\\codex-sandbox-helper.exe";
  if (!CopyFileW(from.c_str(), to.c_str(), FALSE)) {
    report_win32(L"CopyFileW", to.c_str(), GetLastError());
    return false;
  }
  return true;
}

static bool write_marker(const SetupConfig& config) {
  std::wstring text = L"version\t" + std::to_wstring(config.setup_version) + L"\noffline\t" + config.offline_user + L"\nonline\t" +
                      config.online_user + L"\nallow_local_binding\t" + (config.allow_local_binding ? L"1" : L"0") + L"\nproxy_ports";
  for (DWORD p : config.proxy_ports) text += L"\t" + std::to_wstring(p);
  text += L"\n";
  return write_whole_file(config.marker_file, utf8_of(text), CREATE_ALWAYS);
}

static int provision(const SetupConfig& config, bool refresh_only) {
  if (!refresh_only) {
    if (!is_elevated()) die(L"sandbox provisioning setup must be run from an elevated process");
    // `<sandbox>\requests` is where the runner hands requests to the sandbox account (the plan's
    // request_dir, lib/platform/windows/plan-windows.ts); it inherits the group's grant on .sandbox.
    if (!create_directories(config.sandbox_dir) || !create_directories(config.sandbox_dir + L"\\requests") ||
        !create_directories(config.secrets_dir) || !create_directories(config.bin_dir)) {
      return EXIT_SETUP_FAILURE;
    }
    // The marker goes last, so a failure anywhere below leaves setup visibly incomplete.
    DeleteFileW(config.marker_file.c_str());
    if (!ensure_group(config.group, L"Codex sandbox internal group (managed)")) {
      fail_with_code(config, L"helper_group_create_failed", config.group.c_str());
    }
    std::wstring users_group;
    if (!builtin_users_name(&users_group)) fail_with_code(config, L"helper_users_group_lookup_failed", L"S-1-5-32-545");
    std::string offline_pw;
    std::string online_pw;
    provision_account(config, config.offline_user, users_group, &offline_pw);
    provision_account(config, config.online_user, users_group, &online_pw);
    if (!write_secrets_file(config.secrets_file, config.offline_user, offline_pw, config.online_user, online_pw)) {
      fail_with_code(config, L"helper_secrets_write_failed", config.secrets_file.c_str());
    }
    OwnedSid offline_sid;
    if (!sid_for_account(config.offline_user, &offline_sid))
      fail_with_code(config, L"helper_offline_sid_lookup_failed", config.offline_user.c_str());
    std::wstring code;
    if (!apply_firewall_rules(config.firewall_rules, config.firewall_remove, sid_to_string(offline_sid.get()), &code)) {
      fail_with_code(config, code.c_str(), L"offline account firewall rules");
    }
    if (!copy_helper(config)) fail_with_code(config, L"helper_copy_failed", config.bin_dir.c_str());
  }
  HANDLE token = nullptr;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) die_win32(L"OpenProcessToken", L"current process");
  for (const AclOp& op : config.acl_ops) {
    if (!apply_acl_op(op, token)) {
      CloseHandle(token);
      fail_with_code(config, L"helper_acl_apply_failed", op.path.c_str());
    }
  }
  CloseHandle(token);
  if (!refresh_only && !write_marker(config)) fail_with_code(config, L"helper_marker_write_failed", config.marker_file.c_str());
  return 0;
}

int wmain(int argc, wchar_t** argv) {
  set_program_name(L"codex-sandbox-setup");
  bool uninstall = false;
  bool refresh_only = false;
  bool from_stdin = false;
  for (int i = 1; i < argc; ++i) {
    const std::wstring arg = argv[i];
    bool* flag = arg == L"--uninstall"       ? &uninstall
                 : arg == L"--refresh-only"  ? &refresh_only
                 : arg == L"--request-stdin" ? &from_stdin
                                             : nullptr;
    if (flag == nullptr || *flag) die(L"usage: codex-sandbox-setup --request-stdin [--refresh-only] | --uninstall --request-stdin");
    *flag = true;
  }
  if (!from_stdin || (uninstall && refresh_only))
    die(L"usage: codex-sandbox-setup --request-stdin [--refresh-only] | --uninstall --request-stdin");
  std::string text;
  std::wstring error;
  Request request;
  SetupConfig config;
  if (!read_request_from_stdin(&text, &error) || !parse_request(text, &request, &error) || !parse_setup_config(request, &config, &error)) {
    die(error.c_str());
  }
  // One setup at a time: concurrent runs would race on accounts, passwords and ACLs.
  HANDLE mutex = CreateMutexW(nullptr, FALSE, L"Global\\CodexSandboxSetup");
  if (mutex == nullptr) die_win32(L"CreateMutexW", L"Global\\CodexSandboxSetup");
  const DWORD wait = WaitForSingleObject(mutex, 5000);
  if (wait != WAIT_OBJECT_0 && wait != WAIT_ABANDONED) die(L"another codex-sandbox setup is running; try again when it has finished");
  int status;
  if (uninstall) {
    if (!is_elevated()) die(L"uninstalling the Windows sandbox must be run from an elevated process");
    status = uninstall_sandbox(config) ? 0 : EXIT_SETUP_FAILURE;
  } else {
    status = provision(config, refresh_only);
  }
  ReleaseMutex(mutex);
  CloseHandle(mutex);
  return status;
}
