// The runner request (`csbx-windows-request 1 runner`) as typed fields. Unknown keywords and
// repeated single-valued keywords are errors: a request from a newer planner must fail closed
// rather than run with an instruction skipped.
#ifndef CODEX_SANDBOX_WIN_RUNNER_CONFIG_H
#define CODEX_SANDBOX_WIN_RUNNER_CONFIG_H

#include <string>
#include <vector>

#include "acl.h"
#include "launch.h"
#include "request.h"
#include "restricted-token.h"
#include "world-writable-audit.h"

struct DenybinStub {
  std::wstring name;
  std::wstring content;
};

// An ACE removal after the command's job is closed (`revoke_after_exit`,
// `revoke_nul_device_after_exit`); an empty path means the NUL device.
struct RevokeOp {
  std::wstring path;
  std::vector<std::wstring> principals;
};

struct RunnerConfig {
  std::wstring backend;  // windows-token | windows-elevated
  std::wstring logon_user;
  std::wstring secrets_file;
  std::wstring request_dir;
  TokenSpec token;
  std::vector<AclOp> acl_ops;
  std::vector<RevokeOp> revoke_after_exit;
  AuditSpec audit;
  std::wstring denybin_dir;
  std::vector<DenybinStub> denybin_stubs;
  std::vector<std::wstring> denybin_remove;
  LaunchSpec launch;
  bool kill_on_job_close = false;
};

bool parse_runner_config(const Request& request, RunnerConfig* out, std::wstring* error);

#endif
