// The advisory network block's stub directory (docs/reference.md#windows-restricted-token): `ssh`/`scp` scripts that fail, placed
// first on PATH by the planner's environment, and stale stubs of older versions removed.
#ifndef CODEX_SANDBOX_WIN_DENYBIN_H
#define CODEX_SANDBOX_WIN_DENYBIN_H

#include "runner-config.h"

bool write_denybin(const RunnerConfig& config);

#endif
