// ACL changes (see acl.h). SetEntriesInAclW puts deny entries before allow entries, which is the
// canonical order the access check relies on, so ops can be applied one at a time.
#include "acl.h"

#include <aclapi.h>

#include "sid.h"
#include "win-error.h"

bool is_acl_keyword(const std::wstring& keyword) { return keyword == L"ace" || keyword == L"ace_children" || keyword == L"nul_device"; }

bool parse_acl_op(const RequestLine& line, AclOp* out, std::wstring* error) {
  *out = AclOp();
  const std::wstring& kw = line[0];
  if (kw == L"nul_device") {
    // nul_device <mask> <principal>...
    if (line.size() < 3 || !parse_dword(line[1], &out->mask)) {
      *error = L"nul_device needs a mask and at least one principal";
      return false;
    }
    out->kind = ACL_OP_NUL_DEVICE;
    out->principals.assign(line.begin() + 2, line.end());
    return true;
  }
  if (line.size() < 3 || (line[1] != L"allow" && line[1] != L"deny") || !parse_dword(line[2], &out->mask)) {
    *error = kw + L" needs allow|deny and a mask";
    return false;
  }
  out->deny = line[1] == L"deny";
  if (kw == L"ace") {
    // ace <allow|deny> <mask> <skip|create-dir> <path> <principal>...
    if (line.size() < 6 || (line[3] != L"skip" && line[3] != L"create-dir") || line[4].empty()) {
      *error = L"ace needs skip|create-dir, a path and at least one principal";
      return false;
    }
    out->kind = ACL_OP_ACE;
    out->create_if_missing = line[3] == L"create-dir";
    out->path = line[4];
    out->principals.assign(line.begin() + 5, line.end());
    return true;
  }
  // ace_children <allow> <mask> <parent> <n> <except>*n <principal>...
  DWORD n = 0;
  if (kw != L"ace_children" || line.size() < 5 || !parse_dword(line[4], &n) || line.size() < 6 + static_cast<size_t>(n)) {
    *error = L"ace_children needs a parent, an exception count, the exceptions and at least one principal";
    return false;
  }
  out->kind = ACL_OP_ACE_CHILDREN;
  out->path = line[3];
  out->except_names.assign(line.begin() + 5, line.begin() + 5 + n);
  out->principals.assign(line.begin() + 5 + n, line.end());
  return true;
}

// Offset just past the volume root: `C:\` or `\\server\share\`.
static size_t root_length(const std::wstring& path) {
  if (path.size() >= 3 && path[1] == L':' && path[2] == L'\\') return 3;
  if (path.compare(0, 2, L"\\\\") == 0) {
    size_t seps = 0;
    for (size_t i = 2; i < path.size(); ++i) {
      if (path[i] == L'\\' && ++seps == 2) return i + 1;
    }
  }
  return path.size();
}

bool create_directories(const std::wstring& path) {
  for (size_t i = root_length(path); i <= path.size(); ++i) {
    if (i != path.size() && path[i] != L'\\') continue;
    const std::wstring prefix = path.substr(0, i);
    if (prefix.empty() || prefix.back() == L'\\') continue;
    if (!CreateDirectoryW(prefix.c_str(), nullptr) && GetLastError() != ERROR_ALREADY_EXISTS) {
      report_win32(L"CreateDirectoryW", prefix.c_str(), GetLastError());
      return false;
    }
  }
  return true;
}

static bool resolve_all(const std::vector<std::wstring>& principals, HANDLE token, std::vector<OwnedSid>* sids) {
  sids->assign(principals.size(), OwnedSid());
  for (size_t i = 0; i < principals.size(); ++i) {
    if (!resolve_principal(principals[i], token, &(*sids)[i])) return false;
  }
  return true;
}

static std::vector<EXPLICIT_ACCESS_W> entries_for(std::vector<OwnedSid>* sids, DWORD mask, ACCESS_MODE mode, DWORD inheritance) {
  std::vector<EXPLICIT_ACCESS_W> ea(sids->size());
  for (size_t i = 0; i < sids->size(); ++i) {
    ZeroMemory(&ea[i], sizeof(ea[i]));
    ea[i].grfAccessPermissions = mask;
    ea[i].grfAccessMode = mode;
    ea[i].grfInheritance = inheritance;
    ea[i].Trustee.TrusteeForm = TRUSTEE_IS_SID;
    ea[i].Trustee.TrusteeType = TRUSTEE_IS_UNKNOWN;
    ea[i].Trustee.ptstrName = static_cast<LPWSTR>((*sids)[i].get());
  }
  return ea;
}

static bool apply_to_path(const std::wstring& path, bool is_dir, std::vector<OwnedSid>* sids, DWORD mask, ACCESS_MODE mode) {
  PACL old_dacl = nullptr;
  PSECURITY_DESCRIPTOR sd = nullptr;
  DWORD rc = GetNamedSecurityInfoW(path.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, &old_dacl, nullptr, &sd);
  if (rc != ERROR_SUCCESS) {
    report_win32(L"GetNamedSecurityInfoW", path.c_str(), rc);
    return false;
  }
  // Inheritance flags mean nothing on a file ACE; directories pass the entry to everything below.
  std::vector<EXPLICIT_ACCESS_W> ea = entries_for(sids, mask, mode, is_dir ? SUB_CONTAINERS_AND_OBJECTS_INHERIT : NO_INHERITANCE);
  PACL new_dacl = nullptr;
  rc = SetEntriesInAclW(static_cast<ULONG>(ea.size()), ea.data(), old_dacl, &new_dacl);
  if (rc != ERROR_SUCCESS) {
    LocalFree(sd);
    report_win32(L"SetEntriesInAclW", path.c_str(), rc);
    return false;
  }
  rc = SetNamedSecurityInfoW(const_cast<LPWSTR>(path.c_str()), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, new_dacl,
                             nullptr);
  LocalFree(new_dacl);
  LocalFree(sd);
  if (rc != ERROR_SUCCESS) {
    report_win32(L"SetNamedSecurityInfoW", path.c_str(), rc);
    return false;
  }
  return true;
}

static bool apply_ace(const std::wstring& path, bool create, std::vector<OwnedSid>* sids, DWORD mask, bool deny) {
  DWORD attrs = GetFileAttributesW(path.c_str());
  if (attrs == INVALID_FILE_ATTRIBUTES) {
    const DWORD err = GetLastError();
    if (err != ERROR_FILE_NOT_FOUND && err != ERROR_PATH_NOT_FOUND) {
      report_win32(L"GetFileAttributesW", path.c_str(), err);
      return false;
    }
    if (!create) return true;
    if (!create_directories(path)) return false;
    attrs = GetFileAttributesW(path.c_str());
    if (attrs == INVALID_FILE_ATTRIBUTES) {
      report_win32(L"GetFileAttributesW", path.c_str(), GetLastError());
      return false;
    }
  }
  return apply_to_path(path, (attrs & FILE_ATTRIBUTE_DIRECTORY) != 0, sids, mask, deny ? DENY_ACCESS : GRANT_ACCESS);
}

static bool name_excepted(const wchar_t* name, const std::vector<std::wstring>& except) {
  for (const std::wstring& e : except) {
    if (CompareStringOrdinal(name, -1, e.c_str(), -1, TRUE) == CSTR_EQUAL) return true;
  }
  return false;
}

static bool apply_children(const AclOp& op, std::vector<OwnedSid>* sids) {
  const std::wstring pattern = op.path + L"\\*";
  WIN32_FIND_DATAW fd;
  HANDLE find = FindFirstFileExW(pattern.c_str(), FindExInfoBasic, &fd, FindExSearchNameMatch, nullptr, 0);
  if (find == INVALID_HANDLE_VALUE) {
    const DWORD err = GetLastError();
    if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND) return true;
    report_win32(L"FindFirstFileExW", pattern.c_str(), err);
    return false;
  }
  bool ok = true;
  do {
    if (wcscmp(fd.cFileName, L".") == 0 || wcscmp(fd.cFileName, L"..") == 0) continue;
    // A junction or symlink would carry the grant somewhere the planner never listed.
    if ((fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0) continue;
    if (name_excepted(fd.cFileName, op.except_names)) continue;
    const std::wstring child = op.path + L"\\" + fd.cFileName;
    if (!apply_to_path(child, (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0, sids, op.mask, op.deny ? DENY_ACCESS : GRANT_ACCESS))
      ok = false;
  } while (FindNextFileW(find, &fd));
  const DWORD err = GetLastError();
  FindClose(find);
  if (err != ERROR_NO_MORE_FILES) {
    report_win32(L"FindNextFileW", pattern.c_str(), err);
    return false;
  }
  return ok;
}

static bool apply_nul(std::vector<OwnedSid>* sids, DWORD mask, ACCESS_MODE mode) {
  HANDLE nul = CreateFileW(L"\\\\.\\NUL", READ_CONTROL | WRITE_DAC, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr, OPEN_EXISTING, 0, nullptr);
  if (nul == INVALID_HANDLE_VALUE) {
    report_win32(L"CreateFileW", L"\\\\.\\NUL", GetLastError());
    return false;
  }
  PACL old_dacl = nullptr;
  PSECURITY_DESCRIPTOR sd = nullptr;
  DWORD rc = GetSecurityInfo(nul, SE_KERNEL_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, &old_dacl, nullptr, &sd);
  if (rc != ERROR_SUCCESS) {
    CloseHandle(nul);
    report_win32(L"GetSecurityInfo", L"\\\\.\\NUL", rc);
    return false;
  }
  std::vector<EXPLICIT_ACCESS_W> ea = entries_for(sids, mask, mode, NO_INHERITANCE);
  PACL new_dacl = nullptr;
  rc = SetEntriesInAclW(static_cast<ULONG>(ea.size()), ea.data(), old_dacl, &new_dacl);
  if (rc == ERROR_SUCCESS) {
    rc = SetSecurityInfo(nul, SE_KERNEL_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, new_dacl, nullptr);
    LocalFree(new_dacl);
    if (rc != ERROR_SUCCESS) report_win32(L"SetSecurityInfo", L"\\\\.\\NUL", rc);
  } else {
    report_win32(L"SetEntriesInAclW", L"\\\\.\\NUL", rc);
  }
  LocalFree(sd);
  CloseHandle(nul);
  return rc == ERROR_SUCCESS;
}

bool apply_acl_op(const AclOp& op, HANDLE token) {
  std::vector<OwnedSid> sids;
  if (!resolve_all(op.principals, token, &sids)) return false;
  switch (op.kind) {
    case ACL_OP_ACE: return apply_ace(op.path, op.create_if_missing, &sids, op.mask, op.deny);
    case ACL_OP_ACE_CHILDREN: return apply_children(op, &sids);
    case ACL_OP_NUL_DEVICE: return apply_nul(&sids, op.mask, GRANT_ACCESS);
  }
  return false;
}

bool revoke_path_aces(const std::wstring& path, const std::vector<std::wstring>& principals, HANDLE token) {
  std::vector<OwnedSid> sids;
  if (!resolve_all(principals, token, &sids)) return false;
  const DWORD attrs = GetFileAttributesW(path.c_str());
  if (attrs == INVALID_FILE_ATTRIBUTES) {
    const DWORD err = GetLastError();
    if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND) return true;
    report_win32(L"GetFileAttributesW", path.c_str(), err);
    return false;
  }
  return apply_to_path(path, (attrs & FILE_ATTRIBUTE_DIRECTORY) != 0, &sids, 0, REVOKE_ACCESS);
}

bool revoke_nul_aces(const std::vector<std::wstring>& principals, HANDLE token) {
  std::vector<OwnedSid> sids;
  if (!resolve_all(principals, token, &sids)) return false;
  return apply_nul(&sids, 0, REVOKE_ACCESS);
}
