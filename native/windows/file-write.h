// Whole-file writes for the Windows helpers (request files, denybin stubs, the setup marker).
#ifndef CODEX_SANDBOX_FILE_WRITE_H
#define CODEX_SANDBOX_FILE_WRITE_H

#include <windows.h>

#include <string>

// UTF-8 of `text`; an unpaired surrogate becomes U+FFFD.
std::string utf8_of(const std::wstring& text);

// Writes `bytes` as the whole file at `path`, created with `disposition` (CREATE_NEW: an existing
// name is someone else's file and fails; CREATE_ALWAYS: replaced). A failure is reported in one
// line and returns false; a file this call created new is removed again when the write fails.
bool write_whole_file(const std::wstring& path, const std::string& bytes, DWORD disposition);

#endif
