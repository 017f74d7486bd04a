// Exit statuses of the native helpers, shared by every platform's helper so the TypeScript side
// can read them the same way everywhere (docs/cli.md#exit-statuses; the same numbers as
// env(1), nohup(1) and the POSIX shell use).
#ifndef CODEX_SANDBOX_EXIT_STATUS_H
#define CODEX_SANDBOX_EXIT_STATUS_H

// The helper could not or would not start the command: usage error, unsupported kernel feature,
// failed restriction. The command never ran.
constexpr int kExitSetup = 125;
// The command was found but could not be executed (EACCES, ENOEXEC).
constexpr int kExitNotExecutable = 126;
// The command was not found (ENOENT).
constexpr int kExitNotFound = 127;
// A command killed by signal N is reported as 128 + N.
constexpr int kExitSignalBase = 128;

#endif
