// Failure reporting for the Windows helpers (see win-error.h).
#include "win-error.h"

#include <stdio.h>
#include <stdlib.h>

#include "exit-codes.h"

static const wchar_t* g_program = L"codex-sandbox";

void set_program_name(const wchar_t* name) { g_program = name; }

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
  fwprintf(stderr, L"%ls: %ls %ls: %ls (error %lu)\n", g_program, call, detail, message, static_cast<unsigned long>(error));
  fflush(stderr);
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
  fwprintf(stderr, L"%ls: %ls\n", g_program, message);
  fflush(stderr);
  exit(EXIT_SETUP_FAILURE);
}
