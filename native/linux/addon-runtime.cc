// The stack protector without a C library. binding.gyp builds the addon with
// -mstack-protector-guard=global, so GCC compares each protected frame against this file's
// __stack_chk_guard on x86_64 as on aarch64, rather than against a slot in the C library's
// thread control block, whose layout differs between glibc and musl.
//
// The guard is filled by a constructor: the dynamic loader (glibc's or musl's) runs it once, in
// dlopen, before any other function of the addon, so it never changes under a live protected
// frame. A worker thread that loads the addon again gets the same loaded copy and the same guard.
#include "addon-runtime.h"
#include "helper-sys.h"

namespace {

int g_guard_error = 0;

}  // namespace

extern "C" {

uintptr_t __stack_chk_guard;

// glibc's and musl's own handlers print and abort; the same here, with SIGABRT at its default
// action and unblocked so that it ends the process even where Node handles or blocks it.
[[noreturn]] void __stack_chk_fail() {
  static const char kMessage[] = "codex-sandbox addon: stack smashing detected\n";
  sys_raw(__NR_write, 2, sys_arg(kMessage), sizeof kMessage - 1);
  const SysSigaction dfl = {};
  sys_raw(__NR_rt_sigaction, SIGABRT, sys_arg(&dfl), 0, sizeof(SysSigset));
  const SysSigset abrt = sys_sigbit(SIGABRT);
  sys_raw(__NR_rt_sigprocmask, SIG_UNBLOCK, sys_arg(&abrt), 0, sizeof(SysSigset));
  sys_raw(__NR_kill, sys_getpid(), SIGABRT);
  sys_exit_group(134);
}

}  // extern "C"

namespace {

__attribute__((constructor, no_stack_protector)) void fill_stack_guard() {
  uintptr_t guard = 0;
  // Up to 256 bytes never come back short; a signal before the kernel's pool is ready is EINTR.
  long got;
  do {
    got = sys_raw(__NR_getrandom, sys_arg(&guard), sizeof guard, 0);
  } while (got == -EINTR);
  if (const int err = sys_error(got)) {
    g_guard_error = err;
    return;
  }
  // The low byte zero, as in glibc: a string overflow that reaches the guard stops at it.
  __stack_chk_guard = guard & ~static_cast<uintptr_t>(0xff);
}

}  // namespace

int stack_guard_error() { return g_guard_error; }
