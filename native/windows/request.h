// The request format the TypeScript planner renders (lib/platform/windows/render-request.ts):
// UTF-8 lines, a `csbx-windows-request 1 <kind>` header, keyword + tab-separated fields with
// `%25 %09 %0D %0A` escapes, and a final `end` line. This file only splits and decodes; what the
// keywords mean is decided by the planner and applied by the caller.
#ifndef CODEX_SANDBOX_WIN_REQUEST_H
#define CODEX_SANDBOX_WIN_REQUEST_H

#include <windows.h>

#include <string>
#include <vector>

typedef std::vector<std::wstring> RequestLine;  // [0] is the keyword

struct Request {
  std::wstring kind;  // "runner" or "setup"
  std::vector<RequestLine> lines;
};

// Parses a whole request. On failure returns false and describes the problem in *error.
bool parse_request(const std::string& text, Request* out, std::wstring* error);

// Reads a request from stdin, exactly up to and including its `end` line, so that whatever
// follows on stdin is left for the sandboxed command.
bool read_request_from_stdin(std::string* text, std::wstring* error);

// Reads a request file (at most 16 MiB).
bool read_request_from_file(const wchar_t* path, std::string* text, std::wstring* error);

// UTF-8 to UTF-16 with invalid sequences refused.
bool utf8_to_wide(const std::string& in, std::wstring* out);

// Parses an unsigned number written as decimal or 0x-prefixed hex; false on anything else.
bool parse_dword(const std::wstring& text, DWORD* out);

#endif
