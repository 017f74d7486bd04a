// Splitting and decoding of planner requests (see request.h).
#include "request.h"

#include <wchar.h>

static const char kHeaderPrefix[] = "csbx-windows-request 1 ";
static const size_t kMaxRequestBytes = 16u * 1024u * 1024u;

bool utf8_to_wide(const std::string& in, std::wstring* out) {
  out->clear();
  if (in.empty()) return true;
  const int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, in.data(), static_cast<int>(in.size()), nullptr, 0);
  if (n <= 0) return false;
  out->resize(static_cast<size_t>(n));
  return MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, in.data(), static_cast<int>(in.size()), &(*out)[0], n) == n;
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Undoes the field escapes; only the four escaped bytes are accepted after `%`.
static bool unescape_field(const std::string& in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out->push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    const int hi = hex_value(in[i + 1]);
    const int lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    const char c = static_cast<char>(hi * 16 + lo);
    if (c != '%' && c != '\t' && c != '\r' && c != '\n') return false;
    out->push_back(c);
    i += 2;
  }
  return true;
}

bool parse_request(const std::string& text, Request* out, std::wstring* error) {
  out->kind.clear();
  out->lines.clear();
  size_t pos = 0;
  bool first = true;
  bool ended = false;
  while (pos < text.size()) {
    const size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) {
      *error = L"request line without a terminating newline";
      return false;
    }
    const std::string raw = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (ended) {
      *error = L"data after the request's end line";
      return false;
    }
    if (first) {
      first = false;
      if (raw.compare(0, sizeof(kHeaderPrefix) - 1, kHeaderPrefix) != 0) {
        *error = L"request header is not \"csbx-windows-request 1 <kind>\" (planner and helper versions differ?)";
        return false;
      }
      if (!utf8_to_wide(raw.substr(sizeof(kHeaderPrefix) - 1), &out->kind)) {
        *error = L"request header is not valid UTF-8";
        return false;
      }
      continue;
    }
    if (raw == "end") {
      ended = true;
      continue;
    }
    RequestLine line;
    size_t start = 0;
    for (;;) {
      const size_t tab = raw.find('\t', start);
      const std::string piece = raw.substr(start, tab == std::string::npos ? std::string::npos : tab - start);
      std::string decoded;
      std::wstring wide;
      if (!unescape_field(piece, &decoded) || !utf8_to_wide(decoded, &wide)) {
        *error = L"request field with a bad escape or invalid UTF-8";
        return false;
      }
      line.push_back(wide);
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    out->lines.push_back(line);
  }
  if (first || !ended) {
    *error = L"request is truncated (no end line)";
    return false;
  }
  return true;
}

bool read_request_from_stdin(std::string* text, std::wstring* error) {
  HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
  if (in == INVALID_HANDLE_VALUE || in == nullptr) {
    *error = L"no stdin to read the request from";
    return false;
  }
  text->clear();
  std::string line;
  // One byte at a time: reading ahead would swallow input meant for the command.
  for (;;) {
    char c;
    DWORD got = 0;
    if (!ReadFile(in, &c, 1, &got, nullptr) || got == 0) {
      *error = L"stdin ended before the request's end line";
      return false;
    }
    text->push_back(c);
    if (text->size() > kMaxRequestBytes) {
      *error = L"request on stdin is larger than 16 MiB";
      return false;
    }
    if (c != '\n') {
      line.push_back(c);
      continue;
    }
    if (line == "end") return true;
    line.clear();
  }
}

bool read_request_from_file(const wchar_t* path, std::string* text, std::wstring* error) {
  HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) {
    *error = L"cannot open the request file";
    return false;
  }
  LARGE_INTEGER size;
  if (!GetFileSizeEx(h, &size) || size.QuadPart < 0 || static_cast<unsigned long long>(size.QuadPart) > kMaxRequestBytes) {
    CloseHandle(h);
    *error = L"request file is unreadable or larger than 16 MiB";
    return false;
  }
  text->assign(static_cast<size_t>(size.QuadPart), '\0');
  DWORD got = 0;
  const BOOL ok = text->empty() ? TRUE : ReadFile(h, &(*text)[0], static_cast<DWORD>(text->size()), &got, nullptr);
  CloseHandle(h);
  if (!ok || got != text->size()) {
    *error = L"short read from the request file";
    return false;
  }
  return true;
}

bool parse_dword(const std::wstring& text, DWORD* out) {
  if (text.empty()) return false;
  const bool hex = text.size() > 2 && text[0] == L'0' && (text[1] == L'x' || text[1] == L'X');
  unsigned long long value = 0;
  for (size_t i = hex ? 2 : 0; i < text.size(); ++i) {
    const wchar_t c = text[i];
    int digit;
    if (c >= L'0' && c <= L'9')
      digit = c - L'0';
    else if (hex && c >= L'a' && c <= L'f')
      digit = c - L'a' + 10;
    else if (hex && c >= L'A' && c <= L'F')
      digit = c - L'A' + 10;
    else
      return false;
    value = value * (hex ? 16 : 10) + static_cast<unsigned long long>(digit);
    if (value > 0xffffffffull) return false;
  }
  *out = static_cast<DWORD>(value);
  return true;
}
