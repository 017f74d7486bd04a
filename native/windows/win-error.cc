// Failure reporting for the Windows helpers (see win-error.h).
#include "win-error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <string>

#include "exit-codes.h"

static const wchar_t* g_program = L"codex-sandbox";

void set_program_name(const wchar_t* name) { g_program = name; }

void print_error(const wchar_t* format, ...) {
  wchar_t text[4096];
  va_list args;
  va_start(args, format);
  const int n = _vsnwprintf(text, sizeof(text) / sizeof(text[0]) - 1, format, args);
  va_end(args);
  // A message longer than the buffer is cut, never dropped.
  text[sizeof(text) / sizeof(text[0]) - 1] = L'\0';
  const int len = n < 0 ? static_cast<int>(wcslen(text)) : n;
  const int bytes = WideCharToMultiByte(CP_UTF8, 0, text, len, nullptr, 0, nullptr, nullptr);
  if (bytes <= 0) return;
  std::string utf8(static_cast<size_t>(bytes), '\0');
  WideCharToMultiByte(CP_UTF8, 0, text, len, &utf8[0], bytes, nullptr, nullptr);
  HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
  DWORD done = 0;
  for (size_t off = 0; off < utf8.size() && err != nullptr && err != INVALID_HANDLE_VALUE; off += done) {
    if (!WriteFile(err, utf8.data() + off, static_cast<DWORD>(utf8.size() - off), &done, nullptr) || done == 0) return;
  }
}

void report_win32(const wchar_t* call, const wchar_t* detail, DWORD error) {
  wchar_t message[512];
  DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr, error, 0, message,
                           sizeof(message) / sizeof(message[0]), nullptr);
  if (n == 0) {
    swprintf(message, sizeof(message) / sizeof(message[0]), L"unknown error");
  } else {
    // FormatMessage ends its text with CR LF; the report is one line.
    while (n > 0 && (message[n - 1] == L'\r' || message[n - 1] == L'\n' || message[n - 1] == L' ')) message[--n] = L'\0';
  }
  print_error(L"%ls: %ls %ls: %ls (error %lu)\n", g_program, call, detail, message, static_cast<unsigned long>(error));
}

void die_win32(const wchar_t* call, const wchar_t* detail) {
  const DWORD error = GetLastError();
  report_win32(call, detail, error);
  exit(EXIT_SETUP_FAILURE);
}

void die_code(const wchar_t* call, const wchar_t* detail, DWORD error) {
  report_win32(call, detail, error);
  exit(EXIT_SETUP_FAILURE);
}

void die(const wchar_t* message) {
  print_error(L"%ls: %ls\n", g_program, message);
  exit(EXIT_SETUP_FAILURE);
}
