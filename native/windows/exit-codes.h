// Exit statuses of the Windows helper executables, in one place (docs/cli.md#exit-statuses).
#ifndef CODEX_SANDBOX_WIN_EXIT_CODES_H
#define CODEX_SANDBOX_WIN_EXIT_CODES_H

// Setup or usage failure: nothing of the command ran.
#define EXIT_SETUP_FAILURE 125
// The command was found but could not be started (ERROR_ACCESS_DENIED, ERROR_BAD_EXE_FORMAT).
#define EXIT_NOT_EXECUTABLE 126
// The command was not found (ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND).
#define EXIT_NOT_FOUND 127

#endif
