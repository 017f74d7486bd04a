// The world-writable audit (docs/reference.md#windows-restricted-token): directories listed by the planner whose DACL lets
// Everyone write get a deny-write ACE for the token's capability SIDs. Best effort within the
// planner's time and count budget; every skipped or failed directory is reported on stderr.
#ifndef CODEX_SANDBOX_WIN_WORLD_WRITABLE_AUDIT_H
#define CODEX_SANDBOX_WIN_WORLD_WRITABLE_AUDIT_H

#include <windows.h>

#include <string>
#include <vector>

struct AuditScan {
  std::wstring path;
  bool self = false;
  bool children = false;
};

struct AuditSpec {
  bool present = false;
  DWORD max_millis = 0;
  DWORD max_checks = 0;
  DWORD max_entries_per_dir = 0;
  DWORD mask = 0;
  std::vector<std::wstring> principals;
  std::vector<AuditScan> scan;
  std::vector<std::wstring> skip_suffixes;
  std::vector<std::wstring> exclude;
};

// Runs the audit; returns the number of directories denied.
unsigned run_world_writable_audit(const AuditSpec& spec, HANDLE token);

#endif
