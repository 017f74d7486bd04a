// World-writable audit (see world-writable-audit.h).
#include "world-writable-audit.h"

#include <aclapi.h>

#include "acl.h"
#include "sid.h"
#include "win-error.h"

namespace {

std::wstring lower(const std::wstring& s) {
  std::wstring out = s;
  if (!out.empty()) CharLowerBuffW(&out[0], static_cast<DWORD>(out.size()));
  return out;
}

// Component-wise, case-insensitive: is `child` equal to or below `parent`?
bool within(const std::wstring& child, const std::wstring& parent) {
  const std::wstring c = lower(child);
  std::wstring p = lower(parent);
  while (!p.empty() && p.back() == L'\\') p.pop_back();
  return c.compare(0, p.size(), p) == 0 && (c.size() == p.size() || c[p.size()] == L'\\');
}

bool ends_with_suffix(const std::wstring& path, const std::vector<std::wstring>& suffixes) {
  const std::wstring p = lower(path);
  for (const std::wstring& s : suffixes) {
    if (p.size() >= s.size() && p.compare(p.size() - s.size(), s.size(), s) == 0) return true;
  }
  return false;
}

// An allow ACE for Everyone that applies to the object itself and grants any kind of write.
bool everyone_may_write(const std::wstring& path, PSID everyone) {
  PACL dacl = nullptr;
  PSECURITY_DESCRIPTOR sd = nullptr;
  if (GetNamedSecurityInfoW(path.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, &dacl, nullptr, &sd) !=
      ERROR_SUCCESS) {
    return false;
  }
  const DWORD write_bits = FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA | FILE_WRITE_ATTRIBUTES | GENERIC_WRITE | GENERIC_ALL;
  bool writable = false;
  // A NULL DACL grants everyone everything.
  if (dacl == nullptr) writable = true;
  for (DWORD i = 0; dacl != nullptr && i < dacl->AceCount && !writable; ++i) {
    void* ace = nullptr;
    if (!GetAce(dacl, i, &ace)) break;
    const ACE_HEADER* header = static_cast<const ACE_HEADER*>(ace);
    if (header->AceType != ACCESS_ALLOWED_ACE_TYPE || (header->AceFlags & INHERIT_ONLY_ACE) != 0) continue;
    const ACCESS_ALLOWED_ACE* allowed = static_cast<const ACCESS_ALLOWED_ACE*>(ace);
    if (EqualSid(const_cast<DWORD*>(&allowed->SidStart), everyone) && (allowed->Mask & write_bits) != 0) writable = true;
  }
  LocalFree(sd);
  return writable;
}

struct Budget {
  ULONGLONG deadline;
  DWORD checks_left;
  bool exhausted() const { return checks_left == 0 || GetTickCount64() > deadline; }
};

bool excluded(const std::wstring& path, const AuditSpec& spec) {
  for (const std::wstring& root : spec.exclude) {
    // Above a writable root the inherited deny would reach the root and beat its allow.
    if (within(path, root) || within(root, path)) return true;
  }
  return false;
}

unsigned check_dir(const std::wstring& path, const AuditSpec& spec, PSID everyone, HANDLE token, Budget* budget) {
  if (budget->exhausted() || ends_with_suffix(path, spec.skip_suffixes)) return 0;
  const DWORD attrs = GetFileAttributesW(path.c_str());
  if (attrs == INVALID_FILE_ATTRIBUTES || (attrs & FILE_ATTRIBUTE_DIRECTORY) == 0 || (attrs & FILE_ATTRIBUTE_REPARSE_POINT) != 0) return 0;
  --budget->checks_left;
  if (!everyone_may_write(path, everyone)) return 0;
  if (excluded(path, spec)) {
    print_error(L"codex-sandbox-helper: %ls is writable by Everyone and contains a writable root; it stays writable\n", path.c_str());
    return 0;
  }
  AclOp op;
  op.kind = ACL_OP_ACE;
  op.deny = true;
  op.mask = spec.mask;
  op.create_if_missing = false;
  op.path = path;
  op.principals = spec.principals;
  if (!apply_acl_op(op, token)) {
    print_error(L"codex-sandbox-helper: %ls is writable by Everyone and could not be denied; it stays writable\n", path.c_str());
    return 0;
  }
  return 1;
}

}  // namespace

unsigned run_world_writable_audit(const AuditSpec& spec, HANDLE token) {
  if (!spec.present) return 0;
  OwnedSid everyone;
  if (!world_sid(&everyone)) {
    report_win32(L"CreateWellKnownSid", L"WinWorldSid", GetLastError());
    return 0;
  }
  Budget budget{GetTickCount64() + spec.max_millis, spec.max_checks};
  unsigned denied = 0;
  for (const AuditScan& scan : spec.scan) {
    if (scan.self) denied += check_dir(scan.path, spec, everyone.get(), token, &budget);
    if (!scan.children) continue;
    WIN32_FIND_DATAW fd;
    const std::wstring pattern = scan.path + (scan.path.back() == L'\\' ? L"*" : L"\\*");
    HANDLE find = FindFirstFileExW(pattern.c_str(), FindExInfoBasic, &fd, FindExSearchLimitToDirectories, nullptr, 0);
    if (find == INVALID_HANDLE_VALUE) continue;
    DWORD seen = 0;
    do {
      if (wcscmp(fd.cFileName, L".") == 0 || wcscmp(fd.cFileName, L"..") == 0) continue;
      if (++seen > spec.max_entries_per_dir || budget.exhausted()) break;
      const std::wstring child = scan.path + (scan.path.back() == L'\\' ? L"" : L"\\") + fd.cFileName;
      denied += check_dir(child, spec, everyone.get(), token, &budget);
    } while (FindNextFileW(find, &fd));
    FindClose(find);
  }
  if (budget.exhausted()) print_error(L"codex-sandbox-helper: world-writable audit stopped at its time or count limit\n");
  return denied;
}
