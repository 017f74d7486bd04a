// One-line error reporting for the helper; see helper-die.h.
#include "helper-die.h"

#include "helper-sys.h"

namespace {

constexpr char kPrefix[] = "codex-sandbox-helper: ";
constexpr size_t kMaxValue = 160;
// Paths in errno lines: PATH_MAX's worth of bytes would push the errno out of the line.
constexpr size_t kMaxDetail = 512;

Line g_line;

void put_char(Line* line, char c) {
  // Keep the last byte for the newline.
  if (line->len + 1 < sizeof(line->text)) line->text[line->len++] = c;
}

void write_all(const char* data, size_t len) {
  while (len > 0) {
    const long n = sys_write(2, data, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    data += n;
    len -= static_cast<size_t>(n);
  }
}

}  // namespace

void line_start(Line* line) {
  line->len = 0;
  line_add(line, kPrefix);
}

void line_add(Line* line, const char* text) {
  for (; *text != '\0'; ++text) put_char(line, *text);
}

namespace {

// Text from argv or the host, kept to one line (control characters as '?') and to `max` bytes,
// with "..." where it was cut.
void put_shown(Line* line, const char* value, size_t len, size_t max) {
  size_t shown = len < max ? len : max;
  for (size_t i = 0; i < shown; ++i) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    put_char(line, (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c));
  }
  if (shown < len) line_add(line, "...");
}

}  // namespace

void line_add_value(Line* line, const char* value, size_t len) {
  put_char(line, '\'');
  put_shown(line, value, len, kMaxValue);
  put_char(line, '\'');
}

void line_add_value(Line* line, const char* value) { line_add_value(line, value, strlen(value)); }

void line_add_u64(Line* line, uint64_t value) {
  char digits[24];
  size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (n > 0) put_char(line, digits[--n]);
}

void line_add_hex(Line* line, uint64_t value) {
  static const char kHex[] = "0123456789abcdef";
  char digits[20];
  size_t n = 0;
  do {
    digits[n++] = kHex[value & 0xf];
    value >>= 4;
  } while (value != 0);
  line_add(line, "0x");
  while (n > 0) put_char(line, digits[--n]);
}

void line_add_errno(Line* line, int err) {
  line_add(line, ": ");
  const char* description = sys_errno_description(err);
  if (description != nullptr) {
    line_add(line, description);
  } else {
    // strerror's wording for a number it has no text for.
    line_add(line, "Unknown error ");
    line_add_u64(line, static_cast<uint64_t>(err));
  }
  line_add(line, " (errno ");
  line_add_u64(line, static_cast<uint64_t>(err));
  line_add(line, ")");
}

const char* line_c_str(Line* line) {
  line->text[line->len] = '\0';
  return line->text;
}

void die_line(Line* line, int status) {
  line->text[line->len++] = '\n';
  write_all(line->text, line->len);
  sys_exit_group(status);
}

void die(const char* message) {
  line_start(&g_line);
  line_add(&g_line, message);
  die_line(&g_line, kExitSetup);
}

namespace {

void errno_line(Line* line, int err, const char* call, const char* detail) {
  line_start(line);
  line_add(line, call);
  if (detail != nullptr && detail[0] != '\0') {
    // The detail often carries a path or command name from argv: short enough that the errno
    // after it always fits.
    line_add(line, " ");
    put_shown(line, detail, strlen(detail), kMaxDetail);
  }
  line_add_errno(line, err);
}

}  // namespace

void die_errno_status(int status, const char* call, const char* detail) {
  errno_line(&g_line, errno, call, detail);
  die_line(&g_line, status);
}

void warn_errno(const char* call, const char* detail) {
  errno_line(&g_line, errno, call, detail);
  g_line.text[g_line.len++] = '\n';
  write_all(g_line.text, g_line.len);
}

void die_errno(const char* call, const char* detail) { die_errno_status(kExitSetup, call, detail); }
