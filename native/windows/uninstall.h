// Removing everything setup created (docs/reference.md#windows-uninstall): accounts disabled first, their processes
// ended, state deleted, firewall rules, group and accounts removed. Errors are collected and
// reported together; the return value is false if any step failed.
#ifndef CODEX_SANDBOX_WIN_UNINSTALL_H
#define CODEX_SANDBOX_WIN_UNINSTALL_H

#include "setup-config.h"

bool uninstall_sandbox(const SetupConfig& config);

// Deletes a directory tree without following junctions or symlinks inside it.
bool remove_tree(const std::wstring& path);

#endif
