// What the addon needs in place of a C library's start-up: the stack protector's guard and its
// failure handler (addon-runtime.cc). Everything else comes from the helper's runtime layer
// (helper-sys.h), which the addon shares.
#ifndef CODEX_SANDBOX_ADDON_RUNTIME_H
#define CODEX_SANDBOX_ADDON_RUNTIME_H

// 0 once the guard holds random bytes, or the errno of the getrandom that failed; the addon then
// refuses to register, since its stack checks would compare against a known value.
int stack_guard_error();

#endif
