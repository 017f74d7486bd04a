// Failure reporting for the Windows helpers: one stderr line per failure, with the Win32 call,
// what it was applied to, the system message and the error number.
#ifndef CODEX_SANDBOX_WIN_ERROR_H
#define CODEX_SANDBOX_WIN_ERROR_H

#include <windows.h>

// Writes one formatted line to stderr as UTF-8 with WriteFile. Not fwprintf: a parent that passes
// the C runtime's descriptor table (libuv, so Node's child_process) marks stderr binary, and the
// CRT then writes wide characters as raw UTF-16.
void print_error(const wchar_t* format, ...);

// Which executable is speaking; set once at the top of main.
void set_program_name(const wchar_t* name);

// Writes "<program>: <call> <detail>: <system message> (error N)" to stderr.
void report_win32(const wchar_t* call, const wchar_t* detail, DWORD error);

// Saves GetLastError() first, reports it and exits with EXIT_SETUP_FAILURE.
[[noreturn]] void die_win32(const wchar_t* call, const wchar_t* detail);

// Reports a failure that has an explicit error code (an HRESULT or a NET_API_STATUS).
[[noreturn]] void die_code(const wchar_t* call, const wchar_t* detail, DWORD error);

// Reports a failure without an error number and exits with EXIT_SETUP_FAILURE.
[[noreturn]] void die(const wchar_t* message);

#endif
