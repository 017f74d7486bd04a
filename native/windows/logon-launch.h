// The elevated backend's first stage (docs/reference.md#windows-elevated-backend): as the real user, hand the request to a copy of the
// runner that runs as the sandbox account, through a request file in the group-writable
// `.sandbox\requests` directory, with CreateProcessWithLogonW and the stored credentials.
#ifndef CODEX_SANDBOX_WIN_LOGON_LAUNCH_H
#define CODEX_SANDBOX_WIN_LOGON_LAUNCH_H

#include <string>

#include "runner-config.h"

// Runs the inner stage as config.logon_user and returns its exit status (125 on setup failure).
int run_as_sandbox_user(const RunnerConfig& config, const std::string& request_text);

#endif
