// Host lookups behind the planner's WindowsHostView: the final path of a file or directory
// (junctions and symlinks resolved, 8.3 names expanded) and what kind of object a path names.
#ifndef CODEX_SANDBOX_WIN_FINAL_PATH_H
#define CODEX_SANDBOX_WIN_FINAL_PATH_H

#include <windows.h>

#include <string>

// GetFinalPathNameByHandleW(VOLUME_NAME_DOS); on failure returns the Win32 error, else 0.
DWORD final_path_of(const std::wstring& path, std::wstring* out, const wchar_t** failed_call);

enum PathKind { PATH_KIND_MISSING, PATH_KIND_FILE, PATH_KIND_DIR };

// GetFileAttributesW, following reparse points the way opening the path would.
DWORD path_kind_of(const std::wstring& path, PathKind* out);

#endif
