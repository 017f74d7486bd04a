// A job object whose closing kills every process in it, so a sandboxed command cannot leave
// descendants running after the runner exits (docs/reference.md#windows-restricted-token, #windows-elevated-backend).
#ifndef CODEX_SANDBOX_WIN_JOB_H
#define CODEX_SANDBOX_WIN_JOB_H

#include <windows.h>

// Creates the job with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE. Reports and returns null on failure.
HANDLE create_kill_on_close_job();

#endif
