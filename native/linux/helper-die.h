// Error reporting for codex-sandbox-helper: every failure is exactly one stderr line, written with
// a single write(2) from a static buffer so it is safe after the point of no return and in a
// forked child (no allocation, no stdio).
#ifndef CODEX_SANDBOX_HELPER_DIE_H
#define CODEX_SANDBOX_HELPER_DIE_H

#include <stddef.h>
#include <stdint.h>

#include "../common/exit-status.h"

struct Line {
  char text[1024];
  size_t len;
};

void line_start(Line* line);
void line_add(Line* line, const char* text);
// Quotes a caller-supplied value, replacing control characters and cutting it short, so that
// whatever argv holds, the message stays one line of bounded length.
void line_add_value(Line* line, const char* value, size_t len);
void line_add_value(Line* line, const char* value);
void line_add_u64(Line* line, uint64_t value);
void line_add_hex(Line* line, uint64_t value);
// Appends ": <description> (errno N)".
void line_add_errno(Line* line, int err);
// The text so far as a C string, for a message that is not written to stderr (the addon's
// exceptions). Without line_start, a line carries no "codex-sandbox-helper: " prefix.
const char* line_c_str(Line* line);

[[noreturn]] void die_line(Line* line, int status);
// "codex-sandbox-helper: <message>", exit 125.
[[noreturn]] void die(const char* message);
// "codex-sandbox-helper: <call> <detail>: <strerror> (errno N)", exit 125. Saves errno first.
[[noreturn]] void die_errno(const char* call, const char* detail);
// As die_errno with another exit status (126/127 for a failed exec).
[[noreturn]] void die_errno_status(int status, const char* call, const char* detail);
// The same line without exiting, for a failure that ends one relayed connection, not the sandbox.
void warn_errno(const char* call, const char* detail);

#endif
