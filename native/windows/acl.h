// ACL changes on files, directories and the NUL device, exactly as a request lists them
// (`ace`, `ace_children`, `nul_device` lines). The planner decides every path, principal, mask
// and order; this code resolves names to SIDs and calls the Win32 ACL functions.
#ifndef CODEX_SANDBOX_WIN_ACL_H
#define CODEX_SANDBOX_WIN_ACL_H

#include <windows.h>

#include <string>
#include <vector>

#include "request.h"

enum AclOpKind { ACL_OP_ACE, ACL_OP_ACE_CHILDREN, ACL_OP_NUL_DEVICE };

struct AclOp {
  AclOpKind kind;
  bool deny;  // DENY_ACCESS, else GRANT_ACCESS
  DWORD mask;
  bool create_if_missing;                  // `create-dir`: make the directory first; `skip`: leave a missing path alone
  std::wstring path;                       // the object, or the parent for ACL_OP_ACE_CHILDREN
  std::vector<std::wstring> except_names;  // ACL_OP_ACE_CHILDREN: children left alone (any case)
  std::vector<std::wstring> principals;
};

// True for the keywords this file handles.
bool is_acl_keyword(const std::wstring& keyword);

// Parses one `ace`, `ace_children` or `nul_device` line.
bool parse_acl_op(const RequestLine& line, AclOp* out, std::wstring* error);

// Applies one op; principals `@user`/`@logon` are resolved against `token`. Reports the failing
// call on stderr and returns false on failure.
bool apply_acl_op(const AclOp& op, HANDLE token);

// Removes every explicit ACE of the principals on a path (REVOKE_ACCESS); a missing path is fine.
bool revoke_path_aces(const std::wstring& path, const std::vector<std::wstring>& principals, HANDLE token);

// Removes the principals' ACEs from the NUL device's DACL.
bool revoke_nul_aces(const std::vector<std::wstring>& principals, HANDLE token);

// Creates a directory and its missing parents (CreateDirectoryW per component).
bool create_directories(const std::wstring& path);

#endif
